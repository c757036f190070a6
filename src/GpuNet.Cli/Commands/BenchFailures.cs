using System.Runtime.ExceptionServices;

namespace GpuNet.Cli.Commands;

/// <summary>
/// The devices of a several-device bench that failed (an OpenCL device without its opt-in, a device that is not there):
/// the figures of the others are still printed and written, each failure is one line after them, and the exit code is
/// the first failure's, so a script still sees that something is missing.
/// </summary>
public sealed class BenchFailures
{
    private readonly List<(string Device, GpuNetException Error)> _failed = [];

    public void Add(string device, GpuNetException error) => _failed.Add((device, error));

    /// <summary>When no device measured anything, the first failure is the command's error, as with one device.</summary>
    public void ThrowWhenNothingMeasured(int measured)
    {
        if (measured == 0 && _failed.Count > 0) ExceptionDispatchInfo.Throw(_failed[0].Error);
    }

    /// <summary>One line per failed device on <paramref name="stderr"/>; the exit code for the whole bench.</summary>
    public int Report(TextWriter stderr)
    {
        foreach (var (device, error) in _failed)
            stderr.WriteLine($"gpunet: bench: no figures for --device {device}: {GpuNetCli.OneLine(SettingFlags.Describe(error))}");
        return _failed.Count == 0 ? ExitCodes.Success : ExitCodes.For(_failed[0].Error);
    }
}
