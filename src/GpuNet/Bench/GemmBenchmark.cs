using GpuNet.Backends;
using GpuNet.Reference;

namespace GpuNet.Bench;

/// <summary>Times one GEMM alone on random operands that stay on the device.</summary>
public static class GemmBenchmark
{
    public static GemmBenchResult Measure(IBackend backend, GemmCase gemm, BenchTiming timing)
    {
        var s = gemm.Shape;
        using var a = backend.Allocate<float>(checked((int)s.ExtentA));
        using var b = backend.Allocate<float>(checked((int)s.ExtentB));
        using var c = backend.Allocate<float>(checked((int)s.ExtentC));
        backend.InitUniform(a, -1f, 1f, 1);
        backend.InitUniform(b, -1f, 1f, 2);
        var times = timing.Measure(backend, () => backend.Gemm(s, a, b, c));
        return new GemmBenchResult(backend.Device.Id, gemm.Label, s.M, s.N, s.K,
            s.Flops / (times.MedianMs * 1e6), times.MedianMs, times.P10Ms, times.P90Ms);
    }
}
