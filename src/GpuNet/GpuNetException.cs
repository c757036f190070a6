namespace GpuNet;

/// <summary>
/// An error the user can act on: bad data, a missing device, a bad option. The CLI prints
/// its message as one line (no stack trace) and exits with <see cref="ExitCode"/>.
/// </summary>
public class GpuNetException(string message, int exitCode = ExitCodes.RuntimeError, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>A bad option or an option combination that cannot work: exit code 2.</summary>
public sealed class UsageException(string message) : GpuNetException(message, ExitCodes.UsageError);

/// <summary>A missing, corrupt or unsuitable data file: exit code 1. The message names the file and the place.</summary>
public sealed class DataException(string message, Exception? inner = null) : GpuNetException(message, ExitCodes.RuntimeError, inner);

public static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeError = 1;
    public const int UsageError = 2;
    public const int Diverged = 3;
    public const int Interrupted = 130;
    /// <summary>Stopped by SIGTERM or SIGHUP after saving a resumable checkpoint (128 + SIGTERM's 15, as a shell reports it).</summary>
    public const int Terminated = 143;
}
