using BenchmarkDotNet.Attributes;
using GpuNet.Backends;
using GpuNet.Backends.Ilgpu;
using GpuNet.Devices;
using GpuNet.Kernels;

namespace GpuNet.Benchmarks;

/// <summary>
/// Every GEMM rung on every ILGPU device present (ilgpu-cpu always; PoCL when GPUNET_OPENCL_POCL=1),
/// at the forward GEMM of the MLP 784-256-10 at batch 128, and the cost of one trivial kernel launch.
/// Each invocation ends with a device synchronise, so the queued work is charged to it. A rung a
/// device cannot launch (too few threads per group) fails its setup and is reported as such.
/// </summary>
public class IlgpuBenchmarks
{
    private const int Launches = 100;
    private static readonly GemmShape Shape = new(false, true, 128, 256, 784);

    private IlgpuBackend _backend = null!;
    private DeviceBuffer<float> _a = null!, _b = null!, _c = null!, _one = null!;

    public static IEnumerable<string> Devices =>
        DeviceCatalog.Discover().Where(d => d.Usable && d.Kind != DeviceKind.Cpu).Select(d => d.Id);

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "";

    [ParamsAllValues]
    public GemmKernel Rung { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // On ilgpu-cpu, naming the rung opens a simulator whose thread groups can run it.
        _backend = (IlgpuBackend)DeviceCatalog.Open(DeviceSpec.Parse(Device), Rung);
        _backend.GemmKernel = Rung;
        _a = _backend.Allocate<float>((int)Shape.ExtentA);
        _b = _backend.Allocate<float>((int)Shape.ExtentB);
        _c = _backend.Allocate<float>((int)Shape.ExtentC);
        _one = _backend.Allocate<float>(1);
        _backend.InitUniform(_a, -1f, 1f, 1);
        _backend.InitUniform(_b, -1f, 1f, 2);
    }

    [Benchmark]
    public void Gemm()
    {
        _backend.Gemm(Shape, _a, _b, _c);
        _backend.Synchronize();
    }

    /// <summary>A one-element fill launched back to back, one synchronise at the end: the per-launch overhead.</summary>
    [Benchmark(OperationsPerInvoke = Launches)]
    public void TrivialLaunch()
    {
        for (int i = 0; i < Launches; i++)
            _backend.Fill(_one, 1, i);
        _backend.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();
}
