using GpuNet.Backends;

namespace GpuNet.Bench;

/// <summary>A GEMM shape to time, labelled "{role} {M}x{N}x{K} {NN|NT|TN}" (ASCII, so CSV and JSON readers see it as is).</summary>
public readonly record struct GemmCase(string Label, GemmShape Shape)
{
    public static GemmCase Square(int n) => Of("square", new GemmShape(false, false, n, n, n));

    /// <summary>
    /// The three GEMMs of a Linear layer [outputs, inputs] in a training step of <paramref name="batch"/> rows,
    /// as <c>Network</c> issues them: forward Y = X·Wᵀ (NT), weight gradient dW = δᵀ·X (TN) and input
    /// gradient dX = δ·W (NN; the first layer of a network skips it, deeper layers need it).
    /// </summary>
    public static IEnumerable<GemmCase> TrainingShapes(int batch, int inputs, int outputs)
    {
        yield return Of("fwd", new GemmShape(false, true, batch, outputs, inputs));
        yield return Of("dW", new GemmShape(true, false, outputs, inputs, batch));
        yield return Of("dX", new GemmShape(false, false, batch, inputs, outputs));
    }

    private static GemmCase Of(string role, GemmShape s) =>
        new($"{role} {s.M}x{s.N}x{s.K} {(s.TransA ? 'T' : 'N')}{(s.TransB ? 'T' : 'N')}", s);
}

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
