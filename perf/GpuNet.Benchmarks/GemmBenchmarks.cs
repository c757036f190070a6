using BenchmarkDotNet.Attributes;
using GpuNet.Backends;
using GpuNet.Backends.Cpu;
using GpuNet.Bench;

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

    private CpuBackend backend = null!;
    private DeviceBuffer<float> a = null!, b = null!, c = null!;
    private GemmShape shape;

    public static IEnumerable<string> Shapes => Cases.Select(c => c.Label);

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        shape = Cases.Single(c => c.Label == Shape).Shape;
        backend = new CpuBackend();
        a = backend.Allocate<float>((int)shape.ExtentA);
        b = backend.Allocate<float>((int)shape.ExtentB);
        c = backend.Allocate<float>((int)shape.ExtentC);
        backend.InitUniform(a, -1f, 1f, 1);
        backend.InitUniform(b, -1f, 1f, 2);
    }

    [Benchmark]
    public void Gemm() => backend.Gemm(shape, a, b, c);

    [GlobalCleanup]
    public void Cleanup() => backend.Dispose();
}
