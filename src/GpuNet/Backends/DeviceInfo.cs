namespace GpuNet.Backends;

public enum DeviceKind
{
    /// <summary>The managed SIMD fallback: plain C#, the numeric reference.</summary>
    Cpu,
    /// <summary>ILGPU's CPU accelerator: runs the GPU kernels on the host, slowly; for correctness.</summary>
    IlgpuCpu,
    Cuda,
    OpenCL,
}

/// <summary>One device a run can train on: what the device catalog lists and a device name selects.</summary>
/// <param name="Id">The device name (<see cref="GpuNet.Devices.DeviceSpec"/>): cpu, ilgpu-cpu, cuda:0, opencl:1.</param>
/// <param name="Name">The hardware's own name.</param>
/// <param name="MemoryBytes">Device memory, or the host's for CPU devices.</param>
/// <param name="Details">One line: compute capability, OpenCL version, notes such as "needs GPUNET_OPENCL_POCL=1".</param>
/// <param name="IsGpu">True for a real GPU (auto prefers CUDA, then an OpenCL GPU).</param>
/// <param name="Usable">False when the device was found but GpuNet cannot run on it as configured.</param>
public sealed record DeviceInfo(string Id, string Name, DeviceKind Kind, long MemoryBytes, string Details, bool IsGpu, bool Usable = true);
