using System.Diagnostics;
using System.Globalization;
using GpuNet.Backends;
using GpuNet.Backends.Ilgpu;
using GpuNet.Kernels;

namespace GpuNet.Reference;

/// <summary>One GEMM check: a rung on one shape, its worst error against the float64 reference over <see cref="GemmOp"/>'s bound.</summary>
public sealed record GemmCheck(GemmKernel Kernel, string Shape, OpCheck Result)
{
    public bool Passed => Result.Passed;
}

/// <summary>One timing: a rung on one shape, mean milliseconds per GEMM over back-to-back launches.</summary>
public sealed record GemmTiming(GemmKernel Kernel, string Shape, double Milliseconds, double Gflops);

/// <summary>
/// The GEMM ladder on a real device, for <c>gpunet selftest</c> and perf/gpu: every rung checked
/// on <see cref="GemmOp.Shapes"/> and <see cref="GemmEpilogueOp.Cases"/> against the float64 reference, then optionally timed. Lives here, not in tests, because it must run on the lent GPU machine
/// from the published binary alone.
/// </summary>
public static class GemmLadder
{
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

    /// <summary>Runs every runnable rung on every shape of <see cref="GemmOp"/>, the large ones included, and on every fused GEMM of <see cref="GemmEpilogueOp"/>.</summary>
    public static IReadOnlyList<GemmCheck> Verify(IlgpuBackend backend)
    {
        var previous = backend.GemmKernel;
        var results = new List<GemmCheck>();
        foreach (var kernel in Runnable(backend))
        {
            backend.GemmKernel = kernel;
            foreach (var shape in GemmOp.Shapes.Concat(GemmOp.LargeShapes))
                results.Add(new GemmCheck(kernel, GemmOp.Describe(shape), GemmOp.Check(backend, shape)));
            foreach (var fused in GemmEpilogueOp.Cases)
                results.Add(new GemmCheck(kernel, fused.ToString(), GemmOp.Check(backend, fused)));
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
            results.Add(new GemmTiming(kernel, GemmOp.Describe(shape), ms, shape.Flops / ms / 1e6));
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
}
