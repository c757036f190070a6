using BenchmarkDotNet.Attributes;
using GpuNet.Backends;
using GpuNet.Backends.Cpu;
using GpuNet.Reference;

namespace GpuNet.Benchmarks;

/// <summary>
/// The cpu backend's SGEMM at square sizes and at the training shapes of the MLP 784-256-10,
/// batch 128 (the same cases as <c>gpunet bench --op gemm</c>). GFLOP/s = 2·M·N·K / mean time.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private static readonly GemmCase[] Cases =
        [GemmCase.Square(512), GemmCase.Square(1024), .. GemmCase.TrainingShapes(128, 784, 256)];

    private CpuBackend _backend = null!;
    private DeviceBuffer<float> _a = null!, _b = null!, _c = null!;
    private GemmShape _shape;

    public static IEnumerable<string> Shapes => Cases.Select(x => x.Label);

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _shape = Cases.Single(x => x.Label == Shape).Shape;
        _backend = new CpuBackend();
        _a = _backend.Allocate<float>((int)_shape.ExtentA);
        _b = _backend.Allocate<float>((int)_shape.ExtentB);
        _c = _backend.Allocate<float>((int)_shape.ExtentC);
        _backend.InitUniform(_a, -1f, 1f, 1);
        _backend.InitUniform(_b, -1f, 1f, 2);
    }

    [Benchmark]
    public void Gemm() => _backend.Gemm(_shape, _a, _b, _c);

    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();
}
