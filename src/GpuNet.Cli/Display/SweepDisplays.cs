using GpuNet.Cli.Commands;

namespace GpuNet.Cli.Display;

/// <summary>Chooses how a sweep is shown, as <see cref="TrainingDisplays"/> does for a run.</summary>
internal static class SweepDisplays
{
    public static ISweepDisplay Create(TextWriter output, bool quiet, SweepResults results) =>
        !quiet && TrainingDisplays.IsInteractiveTerminal(output) ? new LiveSweepDisplay(output, results) : new PlainSweepDisplay(output, results);
}
