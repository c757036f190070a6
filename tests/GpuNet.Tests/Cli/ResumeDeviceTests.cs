namespace GpuNet.Tests.Cli;

/// <summary><c>--resume DIR</c> continues on the device the run recorded, unless --device is given again.</summary>
public sealed class ResumeDeviceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Slow]
    [Fact]
    public void Resume_runs_on_the_recorded_device_and_a_given_device_replaces_it()
    {
        string outDir = Path.Combine(_dir.Path, "run");
        var first = CliRun.Of("train", "--data", "xor", "--samples", "100", "--hidden", "4", "--epochs", "1", "--device", "ilgpu-cpu", "--out", outDir, "--quiet");
        Assert.True(first.ExitCode == 0, first.ToString());

        var resumed = CliRun.Of("train", "--resume", outDir, "--epochs", "2", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.StartsWith("device: ilgpu-cpu ", resumed.Stdout); // not auto's pick (cpu here)
        Assert.Contains("after 2 epochs on ilgpu-cpu", resumed.Stdout);

        var moved = CliRun.Of("train", "--resume", outDir, "--epochs", "3", "--device", "cpu", "--quiet");
        Assert.True(moved.ExitCode == 0, moved.ToString());
        Assert.Contains("after 3 epochs on cpu", moved.Stdout);
    }

    public void Dispose() => _dir.Dispose();
}
