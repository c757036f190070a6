using GpuNet.Settings;

namespace GpuNet;

/// <summary>
/// An error the user can act on: bad data, a missing device, a bad setting. The library only says
/// what went wrong; the CLI prints it as one line (no stack trace) and picks the exit code from the
/// exception's type. A message that names settings is built as a <see cref="SettingMessage"/>
/// (<c>$"{Setting.LearningRate} must be positive"</c>), which keeps them as identities in <see cref="Text"/>:
/// the CLI spells each as the option that sets it.
/// </summary>
public class GpuNetException : Exception
{
    public GpuNetException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    public GpuNetException(SettingMessage text, Exception? inner = null) : base(text.ToString(), inner) => Text = text;

    /// <summary>The message with the settings it names kept as identities; null when it was given as plain text.</summary>
    public SettingMessage? Text { get; }
}

/// <summary>A setting out of range, or settings that cannot work together.</summary>
public class UsageException : GpuNetException
{
    public UsageException(string message) : base(message)
    {
    }

    public UsageException(SettingMessage text) : base(text)
    {
    }
}

/// <summary>A missing, corrupt or unsuitable data file. The message names the file and the place.</summary>
public sealed class DataException : GpuNetException
{
    public DataException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    public DataException(SettingMessage text, Exception? inner = null) : base(text, inner)
    {
    }
}
