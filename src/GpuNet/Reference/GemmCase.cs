using GpuNet.Backends;

namespace GpuNet.Reference;

/// <summary>
/// A GEMM shape to time: the other half of the GEMM op's declaration, beside <see cref="GemmOp"/>'s
/// checked shapes. The GEMM bench, perf/ and the ptx report's launch plan take their
/// shapes from here. Labelled "{role} {M}x{N}x{K} {NN|NT|TN}" (ASCII, so CSV and JSON readers see it as is).
/// </summary>
public readonly record struct GemmCase(string Label, GemmShape Shape)
{
    /// <summary>An n×n×n GEMM (NN).</summary>
    public static GemmCase Square(int n) => Of("square", new GemmShape(false, false, n, n, n));

    /// <summary>
    /// The three GEMMs of a Linear layer [outputs, inputs] in a training step of <paramref name="batch"/> rows,
    /// as <c>Network</c> issues them: forward Y = X·Wᵀ (NT), weight gradient dW = δᵀ·X (TN) and input
    /// gradient dX = δ·W (NN; the first layer of a network skips it, deeper layers need it).
    /// </summary>
    public static IEnumerable<GemmCase> TrainingShapes(int batch, int inputs, int outputs, bool inputGradient = true)
    {
        yield return Of("fwd", new GemmShape(false, true, batch, outputs, inputs));
        yield return Of("dW", new GemmShape(true, false, outputs, inputs, batch));
        if (inputGradient)
            yield return Of("dX", new GemmShape(false, false, batch, inputs, outputs));
    }

    private static GemmCase Of(string role, GemmShape s) =>
        new($"{role} {s.M}x{s.N}x{s.K} {(s.TransA ? 'T' : 'N')}{(s.TransB ? 'T' : 'N')}", s);
}
