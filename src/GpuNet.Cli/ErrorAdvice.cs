namespace GpuNet.Cli;

/// <summary>
/// What the CLI adds to a library error: the options that can fix it. The library names no flag (a device knows
/// nothing of training settings), so the advice is written here, beside the flags.
/// </summary>
public static class ErrorAdvice
{
    /// <summary>The message as the user sees it: <paramref name="message"/> (already one line, settings turned into flags), then the advice.</summary>
    public static string For(GpuNetException error, string message) => error switch
    {
        OutOfDeviceMemoryException => $"{message}; try a smaller --batch-size or --hidden, or --device cpu",
        _ => message,
    };
}
