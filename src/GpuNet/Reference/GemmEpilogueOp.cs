using GpuNet.Backends;
using GpuNet.Kernels;

namespace GpuNet.Reference;

/// <summary>
/// One fused GEMM to check: the shape, the epilogue and its activation. E's batches sit a few elements apart (gaps that
/// must stay untouched) when the shape has several.
/// </summary>
public sealed record GemmEpilogueCase(GemmShape Shape, GemmEpilogueKind Kind, Activation Activation)
{
    /// <summary>Elements of E per batch: the bias (N), the forward output (M·N) or the row sums (M).</summary>
    private long PerBatch(in GemmShape s) => Kind switch
    {
        GemmEpilogueKind.BiasActivation => s.N,
        GemmEpilogueKind.ActivationBackward => (long)s.M * s.N,
        _ => s.M,
    };

    /// <summary>Batch stride of E: a few elements more than a batch needs, or 0 for one batch.</summary>
    public long Stride(in GemmShape s) => s.Batch > 1 ? PerBatch(s) + 3 : 0;

    /// <summary>The epilogue over <paramref name="operand"/>, as the backend gets it.</summary>
    public GemmEpilogue Of(DeviceBuffer<float> operand, in GemmShape s) => new(Kind, operand, Activation, Stride(s));

    /// <summary>
    /// E's starting contents: a bias in [−1, 1); a forward output f(z) for z in [−2, 2) (relu's zeros included); for row
    /// sums NaN where they are written (so an unwritten one shows) and 0.25 in the gaps (which must stay).
    /// </summary>
    public float[] Operand(Random rng, in GemmShape s)
    {
        long length = s.IsEmpty ? 0 : (s.Batch - 1) * Stride(s) + PerBatch(s);
        var e = GemmOp.Random(rng, length);
        for (int i = 0; i < e.Length; i++)
            e[i] = Kind switch
            {
                GemmEpilogueKind.ActivationBackward => (float)ReferenceOps.Activate(2 * e[i], Activation),
                GemmEpilogueKind.RowSums => InBatch(s, i) ? float.NaN : 0.25f,
                _ => e[i],
            };
        return e;
    }

    private bool InBatch(in GemmShape s, long i) => Stride(s) == 0 || i % Stride(s) < PerBatch(s);

    /// <summary>
    /// The epilogue in float64 on the reference C (<paramref name="want"/>) and its bound's scale: f(v + b) with scale
    /// Σ|a·b| + |beta·c| + |b| + max(1, |f|) (f is at most 1-Lipschitz, and its own rounding is relative to its value); v·f'(y)
    /// with scale (Σ|a·b| + |beta·c|)·|f'(y)| + |v·f'(y)|.
    /// </summary>
    public void Apply(in GemmShape s, float[] e, double[] want, double[] scale)
    {
        if (Kind is not (GemmEpilogueKind.BiasActivation or GemmEpilogueKind.ActivationBackward))
            return;
        for (int batch = 0; batch < s.Batch; batch++)
            for (int m = 0; m < s.M; m++)
                for (int n = 0; n < s.N; n++)
                {
                    long ci = batch * s.StrideC + (long)m * s.N + n;
                    if (Kind == GemmEpilogueKind.BiasActivation)
                    {
                        double bias = e[batch * Stride(s) + n];
                        want[ci] = ReferenceOps.Activate(want[ci] + bias, Activation);
                        scale[ci] += Math.Abs(bias) + Math.Max(1, Math.Abs(want[ci]));
                    }
                    else
                    {
                        double derivative = ReferenceOps.DerivativeFromOutput(e[batch * Stride(s) + (long)m * s.N + n], Activation);
                        want[ci] *= derivative;
                        scale[ci] = scale[ci] * Math.Abs(derivative) + Math.Abs(want[ci]);
                    }
                }
    }

    /// <summary>For row sums: each written element of E (by its index in E) with Σ_k op(A)[m, k] and Σ_k |op(A)[m, k]|.</summary>
    public Dictionary<int, (double Want, double Scale)> RowSums(in GemmShape s, double[] a)
    {
        var sums = new Dictionary<int, (double, double)>();
        if (Kind != GemmEpilogueKind.RowSums || s.IsEmpty)
            return sums;
        for (int batch = 0; batch < s.Batch; batch++)
            for (int m = 0; m < s.M; m++)
            {
                double sum = 0, size = 0;
                for (int k = 0; k < s.K; k++)
                {
                    double v = a[batch * s.StrideA + (s.TransA ? (long)k * s.M + m : (long)m * s.K + k)];
                    sum += v;
                    size += Math.Abs(v);
                }
                sums[checked((int)(batch * Stride(s) + m))] = (sum, size);
            }
        return sums;
    }

    /// <summary>"MxNxK:TT +epilogue(activation)", as <see cref="GemmOp.Describe"/> names the shape.</summary>
    public override string ToString() =>
        $"{GemmOp.Describe(Shape)} +{Kind}" + (Kind == GemmEpilogueKind.RowSums ? "" : $"({Activation.ToString().ToLowerInvariant()})");
}

/// <summary>
/// The fused GEMMs, declared once: every epilogue in every transpose on the GEMM op's awkward shapes (1, 7, 33, 129,
/// a ragged K, K = 0), batched with gaps, alpha and beta, every activation; checked by <see cref="GemmOp.Check(IBackend, GemmEpilogueCase)"/>
/// against the float64 reference. The contract tests run them on every device and rung (split-K forced too), and
/// <c>gpunet selftest</c> on the device it is given.
/// </summary>
public static class GemmEpilogueOp
{
    public static IReadOnlyList<GemmEpilogueCase> Cases { get; } = BuildCases();

    private static GemmEpilogueCase[] BuildCases()
    {
        var cases = new List<GemmEpilogueCase>();
        Activation[] activations = [Activation.Relu, Activation.Sigmoid, Activation.Tanh, Activation.Identity];
        (bool A, bool B)[] transposes = [(false, false), (false, true), (true, false), (true, true)];
        GemmEpilogueKind[] kinds = [GemmEpilogueKind.BiasActivation, GemmEpilogueKind.ActivationBackward, GemmEpilogueKind.RowSums];
        foreach (var kind in kinds)
        {
            int next = 0;
            foreach (var (ta, tb) in transposes)
            {
                foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 33, 5), (33, 7, 129), (129, 65, 17) })
                    cases.Add(new(new GemmShape(ta, tb, m, n, k), kind, activations[next++ % activations.Length]));
                cases.Add(new(new GemmShape(ta, tb, 17, 20, 9, -0.75f, 0.5f, Batch: 2, StrideA: 17 * 9 + 5, StrideB: 9 * 20 + 3, StrideC: 17 * 20 + 7),
                    kind, activations[next++ % activations.Length]));
            }
            cases.Add(new(new GemmShape(false, false, 5, 3, 0), kind, Activation.Sigmoid));
        }
        return [.. cases];
    }

    /// <summary>
    /// Shapes that split K when the device is asked to fill many groups (and lets small blocks split): several stages per
    /// split, ragged, batched; each with every epilogue.
    /// </summary>
    public static IReadOnlyList<GemmEpilogueCase> SplitKCases { get; } =
    [
        new(new GemmShape(false, true, 33, 7, 129), GemmEpilogueKind.BiasActivation, Activation.Tanh),
        new(new GemmShape(false, false, 129, 65, 100, 2f, -1.25f), GemmEpilogueKind.ActivationBackward, Activation.Sigmoid),
        new(new GemmShape(true, false, 17, 20, 77, 1f, 0f, 2, 77 * 17 + 3, 77 * 20 + 5, 17 * 20 + 7), GemmEpilogueKind.RowSums, Activation.Identity),
        new(new GemmShape(true, true, 7, 33, 64, 0.5f, 1f, 2, 64 * 7 + 3, 64 * 33 + 5, 7 * 33 + 7), GemmEpilogueKind.BiasActivation, Activation.Relu),
        new(new GemmShape(true, false, 129, 40, 96), GemmEpilogueKind.RowSums, Activation.Identity),
    ];
}
