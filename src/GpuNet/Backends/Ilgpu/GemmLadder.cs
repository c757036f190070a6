using System.Diagnostics;
using System.Globalization;
using GpuNet.Backends.Cpu;
using GpuNet.Kernels;

namespace GpuNet.Backends.Ilgpu;

/// <summary>One GEMM check: a rung on one shape, its worst error against the CPU backend relative to its bound.</summary>
public sealed record GemmCheck(GemmKernel Kernel, string Shape, double WorstRatio)
{
    /// <summary>Every element within 1e-5·(|alpha|·Σ|a·b| + |beta·c|) + 1e-6 of the CPU backend.</summary>
    public bool Passed => WorstRatio <= 1;
}

/// <summary>One timing: a rung on one shape, mean milliseconds per GEMM over back-to-back launches.</summary>
public sealed record GemmTiming(GemmKernel Kernel, string Shape, double Milliseconds, double Gflops);

/// <summary>
/// The GEMM ladder on a real device, for <c>gpunet selftest</c> and perf/gpu: every rung checked
/// against the CPU backend on shapes with tails in every dimension and every transpose, then
/// optionally timed. Lives here, not in tests, because it must run on the lent GPU machine
/// from the published binary alone.
/// </summary>
public static class GemmLadder
{
    /// <summary>Tails in M, N and K for every rung's block size, batches with gaps, alpha/beta, K = 0.</summary>
    public static IReadOnlyList<GemmShape> CheckShapes { get; } =
    [
        new(false, false, 1, 1, 1),
        new(false, true, 7, 33, 5, 0.5f, 0f),
        new(true, false, 129, 65, 17, 1f, -1.5f),
        new(true, true, 65, 129, 33, -2f, 0.25f),
        new(false, true, 257, 130, 300),
        new(true, false, 130, 257, 129, 1f, 1f),
        new(false, false, 200, 300, 520),
        new(false, true, 33, 70, 19, 1f, 0.5f, Batch: 3, StrideA: 33 * 19 + 5, StrideB: 70 * 19 + 3, StrideC: 33 * 70 + 7),
        new(false, false, 5, 3, 0, 1f, 2f),
    ];

    /// <summary>The rungs <paramref name="backend"/>'s accelerator can launch.</summary>
    public static IReadOnlyList<GemmKernel> Runnable(IlgpuBackend backend)
    {
        var previous = backend.GemmKernel;
        var result = new List<GemmKernel>();
        foreach (var kernel in Enum.GetValues<GemmKernel>())
        {
            try
            {
                backend.GemmKernel = kernel;
                result.Add(kernel);
            }
            catch (NotSupportedException)
            {
                // Too few threads per group for this rung: not part of this device's ladder.
            }
        }
        backend.GemmKernel = previous;
        return result;
    }

    /// <summary>Runs every runnable rung on every check shape, on random inputs, beside the CPU backend.</summary>
    public static IReadOnlyList<GemmCheck> Verify(IlgpuBackend backend)
    {
        using var cpu = new CpuBackend();
        var previous = backend.GemmKernel;
        var results = new List<GemmCheck>();
        foreach (var shape in CheckShapes)
        {
            var rng = new Random(HashCode.Combine(shape.M, shape.N, shape.K, shape.Batch));
            float[] a = Random(rng, shape.ExtentA), b = Random(rng, shape.ExtentB);
            float[] c0 = shape.Beta == 0 ? Enumerable.Repeat(float.NaN, (int)shape.ExtentC).ToArray() : Random(rng, shape.ExtentC);
            float[] want = Run(cpu, shape, a, b, c0);
            float[] scale = Run(cpu, shape with { Alpha = Math.Abs(shape.Alpha), Beta = Math.Abs(shape.Beta) }, Abs(a), Abs(b),
                shape.Beta == 0 ? c0 : Abs(c0));
            foreach (var kernel in Runnable(backend))
            {
                backend.GemmKernel = kernel;
                float[] got = Run(backend, shape, a, b, c0);
                results.Add(new GemmCheck(kernel, Describe(shape), WorstRatio(shape, got, want, scale)));
            }
        }
        backend.GemmKernel = previous;
        return results;
    }

    /// <summary>
    /// Mean time of one GEMM per runnable rung: after two warm-up launches, launches back to back
    /// with one wait per round, until at least <paramref name="seconds"/> have passed.
    /// </summary>
    public static IReadOnlyList<GemmTiming> Time(IlgpuBackend backend, GemmShape shape, double seconds)
    {
        var previous = backend.GemmKernel;
        var results = new List<GemmTiming>();
        using var a = backend.Allocate<float>(checked((int)shape.ExtentA));
        using var b = backend.Allocate<float>(checked((int)shape.ExtentB));
        using var c = backend.Allocate<float>(checked((int)shape.ExtentC));
        backend.InitUniform(a, -1f, 1f, 1);
        backend.InitUniform(b, -1f, 1f, 2);
        foreach (var kernel in Runnable(backend))
        {
            backend.GemmKernel = kernel;
            backend.Gemm(shape, a, b, c);
            backend.Gemm(shape, a, b, c);
            backend.Synchronize();
            int launches = 0, round = 1;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                for (int i = 0; i < round; i++)
                    backend.Gemm(shape, a, b, c);
                backend.Synchronize();
                launches += round;
                round = Math.Min(round * 2, 64);
            }
            double ms = clock.Elapsed.TotalMilliseconds / launches;
            results.Add(new GemmTiming(kernel, Describe(shape), ms, shape.Flops / ms / 1e6));
        }
        backend.GemmKernel = previous;
        return results;
    }

    /// <summary>"MxNxK" with an optional ":TT" suffix (transpose of A, then B), e.g. 4096x1024x784:NT. A bare N means N×N×N.</summary>
    public static GemmShape ParseShape(string text)
    {
        string[] parts = text.Split(':');
        string[] dims = parts[0].Split('x');
        if (dims.Length == 1)
            dims = [dims[0], dims[0], dims[0]];
        string trans = parts.Length > 1 ? parts[1].ToUpperInvariant() : "NN";
        if (dims.Length != 3 || parts.Length > 2 || trans is not ("NN" or "NT" or "TN" or "TT")
            || !dims.All(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0))
            throw new UsageException($"GEMM shape '{text}': expected MxNxK[:NN|NT|TN|TT] or N, with positive sizes");
        int[] v = dims.Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        return new GemmShape(trans[0] == 'T', trans[1] == 'T', v[0], v[1], v[2]);
    }

    public static string Describe(in GemmShape s) =>
        $"{s.M}x{s.N}x{s.K}:{(s.TransA ? 'T' : 'N')}{(s.TransB ? 'T' : 'N')}"
        + (s.Alpha != 1 || s.Beta != 0 ? $" alpha={s.Alpha.ToString(CultureInfo.InvariantCulture)} beta={s.Beta.ToString(CultureInfo.InvariantCulture)}" : "")
        + (s.Batch > 1 ? $" batch={s.Batch}" : "");

    /// <summary>One GEMM on host arrays: upload, run, download C.</summary>
    internal static float[] Run(IBackend backend, in GemmShape shape, float[] a, float[] b, float[] c0)
    {
        using var da = backend.Allocate<float>(a.Length);
        using var db = backend.Allocate<float>(b.Length);
        using var dc = backend.Allocate<float>(c0.Length);
        backend.Upload<float>(a, da);
        backend.Upload<float>(b, db);
        backend.Upload<float>(c0, dc);
        backend.Gemm(shape, da, db, dc);
        var c = new float[c0.Length];
        backend.Download<float>(dc, c);
        return c;
    }

    /// <summary>Largest |got − want| / bound over C's elements; gaps between batches must keep their contents exactly.</summary>
    private static double WorstRatio(in GemmShape shape, float[] got, float[] want, float[] scale)
    {
        double worst = 0;
        for (int i = 0; i < got.Length; i++)
        {
            bool inMatrix = shape.StrideC == 0 || i % shape.StrideC < (long)shape.M * shape.N;
            double ratio = !inMatrix ? (got[i].Equals(want[i]) ? 0 : double.PositiveInfinity)
                : Math.Abs((double)got[i] - want[i]) / (1e-5 * scale[i] + 1e-6);
            if (!(ratio <= worst))
                worst = double.IsNaN(ratio) ? double.PositiveInfinity : ratio;
        }
        return worst;
    }

    private static float[] Random(Random rng, long length)
    {
        var x = new float[checked((int)length)];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static float[] Abs(float[] x) => Array.ConvertAll(x, MathF.Abs);
}
