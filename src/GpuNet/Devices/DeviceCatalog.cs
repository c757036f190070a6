using GpuNet.Backends;

namespace GpuNet.Devices;

// CONTRACT STUB: replaced by the ILGPU work (device discovery, PoCL opt-in).
public static class DeviceCatalog
{
    /// <summary>Every device found: cpu and ilgpu-cpu always, then CUDA and OpenCL devices.</summary>
    public static IReadOnlyList<DeviceInfo> Discover() => throw new NotImplementedException();

    /// <summary>
    /// Opens auto | cpu | ilgpu-cpu | cuda[:N] | opencl[:N]. <paramref name="notice"/> is one line
    /// saying which device was taken and, for auto, why. A malformed spec throws UsageException;
    /// a device that is not there throws GpuNetException whose message lists the devices that are.
    /// </summary>
    public static IBackend Open(string spec, out string notice) => throw new NotImplementedException();
}
