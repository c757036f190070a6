using GpuNet.Cli;
using GpuNet.Tests.Backends;

namespace GpuNet.Tests.Ilgpu;

/// <summary>Device faults reach the user as one clear line, not as a driver exception.</summary>
public sealed class DeviceFaultTests(OpenClBackendFixture openCL) : IClassFixture<OpenClBackendFixture>
{
    [Fact]
    public void Allocating_more_than_the_device_holds_names_the_size_and_suggests_a_smaller_batch()
    {
        if (openCL.SkipReason is { } missing)
            Assert.Skip(missing);
        var backend = openCL.Backend!; // PoCL reports about 5 GiB; 2^31 floats are 8 GiB
        var e = Assert.Throws<GpuNetException>(() => backend.Allocate<float>(int.MaxValue));
        Assert.Equal(ExitCodes.RuntimeError, ExitCodes.For(e));
        Assert.Contains("out of device memory", e.Message);
        Assert.Contains("8192 MiB", e.Message);
        Assert.Contains("--batch-size", SettingFlags.Describe(e)); // what the CLI prints
        Assert.DoesNotContain("\n", e.Message);
        using var stillWorks = backend.Allocate<float>(16); // the device stays usable
    }

    [Fact]
    public void Auto_never_fails_for_want_of_a_gpu()
    {
        using var backend = DeviceCatalog.Open("auto", out var notice);
        Assert.StartsWith("auto:", notice);
        Assert.Single(notice.Split('\n'));
    }
}
