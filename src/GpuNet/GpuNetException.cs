namespace GpuNet;

/// <summary>
/// An error the user can act on: bad data, a missing device, a bad setting. The library only says
/// what went wrong; the CLI prints it as one line (no stack trace) and picks the exit code from the
/// exception's type. A setting appears in a message as its property name in backticks
/// (`` `LearningRate` ``), which the CLI turns into the option that sets it.
/// </summary>
public class GpuNetException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A setting out of range, or settings that cannot work together.</summary>
public class UsageException(string message) : GpuNetException(message);

/// <summary>A missing, corrupt or unsuitable data file. The message names the file and the place.</summary>
public sealed class DataException(string message, Exception? inner = null) : GpuNetException(message, inner);
