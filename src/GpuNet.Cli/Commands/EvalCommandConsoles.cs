using Spectre.Console;

namespace GpuNet.Cli.Commands;

/// <summary>A Spectre console over a command's output writer: colours and the real width on a terminal, plain and wide otherwise.</summary>
internal static class Consoles
{
    /// <summary>Wide enough for a 10-class confusion matrix with class names, so a file or pipe gets it unwrapped.</summary>
    private const int RedirectedWidth = 200;

    public static IAnsiConsole For(TextWriter output)
    {
        bool terminal = TerminalText.IsTerminal(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
