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
        var backend = openCL.Backend!;
        // One 16-byte element more than the device reports (PoCL reports most of the host's memory: 5 GiB on one
        // machine, 21.6 GiB on another, where the 8 GiB of 2^31 floats this test used to ask for fitted).
        long memory = backend.Device.MemoryBytes;
        if (memory / 16 >= int.MaxValue)
            Assert.Skip($"{backend.Device.Id} reports {memory} bytes, more than one buffer can ask for");
        int length = (int)(memory / 16) + 1;
        var e = Assert.Throws<OutOfDeviceMemoryException>(() => backend.Allocate<decimal>(length));
        Assert.Equal(ExitCodes.RuntimeError, ExitCodes.For(e));
        Assert.Contains("out of device memory", e.Message);
        Assert.Contains($"{16L * length / (1024.0 * 1024.0):0.#} MiB", e.Message);
        Assert.Equal(16L * length, e.BytesRequested);
        Assert.DoesNotContain("`", e.Message); // the device layer names no training setting
        Assert.Contains("--batch-size", ErrorAdvice.For(e, SettingFlags.ToFlags(e.Message))); // what the CLI prints
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
