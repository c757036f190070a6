namespace GpuNet.Cli.Display;

/// <summary>Chooses how a training run is shown.</summary>
public static class TrainingDisplays
{
    /// <summary>
    /// Live progress bars and a summary table when <paramref name="output"/> is an interactive
    /// terminal; otherwise (a pipe, a file, a test's StringWriter, TERM=dumb, or --quiet) one
    /// plain line per epoch with no escape codes.
    /// </summary>
    public static ITrainingDisplay Create(TextWriter output, bool quiet) =>
        !quiet && IsInteractiveTerminal(output) ? new LiveTrainingDisplay(output) : new PlainTrainingDisplay(output);

    /// <summary>
    /// Only the process's own stdout or stderr can be a terminal, and only when not redirected;
    /// any other writer (a StringWriter, a file) never is.
    /// </summary>
    public static bool IsInteractiveTerminal(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) ? !Console.IsOutputRedirected
            : ReferenceEquals(output, Console.Error) && !Console.IsErrorRedirected;
        return terminal && Environment.GetEnvironmentVariable("TERM") != "dumb";
    }
}
