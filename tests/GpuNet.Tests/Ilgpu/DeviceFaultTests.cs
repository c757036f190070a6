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
        // One element more than the memory the device reports on this machine (PoCL says 5 GiB on one, 21.5 GiB on
        // another); elements of 4 KiB keep the count an int for any memory up to 8 TiB.
        long memory = backend.Device.MemoryBytes;
        int length = checked((int)(memory / Page.Bytes + 1));
        long bytes = (long)length * Page.Bytes;
        var e = Assert.Throws<OutOfDeviceMemoryException>(() => backend.Allocate<Page>(length));
        Assert.Equal(ExitCodes.RuntimeError, ExitCodes.For(e));
        Assert.Contains("out of device memory", e.Message);
        Assert.Contains($"allocating {bytes / (1024.0 * 1024.0):0.#} MiB ({length} × {Page.Bytes} bytes)", e.Message);
        Assert.Equal(bytes, e.BytesRequested);
        Assert.DoesNotContain("`", e.Message); // the device layer names no training setting
        Assert.Contains("--batch-size", ErrorAdvice.For(e, SettingFlags.Describe(e))); // what the CLI prints
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

/// <summary>An element of 4 KiB, so that an allocation past any device's memory still counts its elements in an int.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = Bytes)]
internal readonly struct Page
{
    public const int Bytes = 4096;
}
