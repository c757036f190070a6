namespace GpuNet.Cli;

/// <summary>gpunet's exit codes (README "Errors and exit codes"), and which error gets which.</summary>
public static class ExitCodes
{
    /// <summary>A bad setting is a usage error, a diverged run is 3, and any other failure (data, device, file) is 1.</summary>
    public static int For(GpuNetException error) => error switch
    {
        UsageException => UsageError,
        DivergedException => Diverged,
        _ => RuntimeError,
    };

    public const int Success = 0;
    public const int RuntimeError = 1;
    public const int UsageError = 2;
    public const int Diverged = 3;
    public const int Interrupted = 130;
    /// <summary>Stopped by SIGTERM or SIGHUP after saving a resumable checkpoint (128 + SIGTERM's 15, as a shell reports it).</summary>
    public const int Terminated = 143;
}
