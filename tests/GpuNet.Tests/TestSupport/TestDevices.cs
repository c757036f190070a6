using GpuNet.Backends;
using GpuNet.Devices;

namespace GpuNet.Tests.TestSupport;

/// <summary>Opens a device for a test, skipping the test (with the reason) when that device is not on this machine.</summary>
public static class TestDevices
{
    /// <summary>The devices every machine has: the managed fallback and ILGPU's CPU accelerator.</summary>
    public static readonly TheoryData<string> AlwaysPresent = new("cpu", "ilgpu-cpu");

    public static IBackend Open(string id)
    {
        try
        {
            return DeviceCatalog.Open(id, out _);
        }
        catch (GpuNetException e) when (!id.StartsWith("cpu", StringComparison.Ordinal) && !id.StartsWith("ilgpu", StringComparison.Ordinal))
        {
            Assert.Skip($"{id} is not available here: {e.Message}");
            throw; // unreachable: Assert.Skip throws
        }
    }
}
