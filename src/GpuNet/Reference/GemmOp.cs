using GpuNet.Backends;

namespace GpuNet.Reference;

/// <summary>The outcome of one op check: the worst error over the bound (≤ 1 passes) and where it was.</summary>
public sealed record OpCheck(double WorstRatio, string Worst)
{
    public bool Passed => WorstRatio <= 1;
}

/// <summary>
/// The GEMM op, declared once: its awkward shapes, its float64 reference (<see cref="ReferenceOps.Gemm"/>)
/// and its bound (<see cref="ErrorBound.Float32Op"/> of Σ|alpha·a·b| + |beta·c|). The backend
/// contract tests run every shape on every device and GEMM rung, and <c>gpunet selftest</c>
/// runs them on the device it is given; both call <see cref="Check(IBackend, in GemmShape)"/>. The fused GEMMs' cases are <see cref="GemmEpilogueOp"/>'s.
/// </summary>
public static class GemmOp
{
    /// <summary>
    /// No size a multiple of any tile, in every transpose; alpha and beta (beta == 0 must not read C,
    /// which starts as NaN); K == 0 (C = beta·C); batches whose stride gaps must stay untouched.
    /// (129, 65, 17) gives every rung several blocks along M and N, and the double-buffered rung three K stages.
    /// </summary>
    public static IReadOnlyList<GemmShape> Shapes { get; } = BuildShapes();

    /// <summary>
    /// Shapes of several K blocks and output tiles, for the CPU GEMM's blocked paths. The tests run
    /// them on each device's own GEMM; selftest runs them on every rung (on the simulator they cost
    /// seconds per rung).
    /// </summary>
    public static IReadOnlyList<GemmShape> LargeShapes { get; } =
    [
        new(false, true, 200, 300, 520),
        new(true, false, 130, 260, 300, 0.5f, 2f),
        // Exactly one K block of the CPU GEMM (256), several tile rows, N a multiple of its tile width.
        new(false, false, 70, 256, 256),
        new(true, false, 40, 256, 300),
    ];

    private static GemmShape[] BuildShapes()
    {
        var shapes = new List<GemmShape>();
        (bool A, bool B)[] transposes = [(false, false), (false, true), (true, false), (true, true)];
        foreach (var (ta, tb) in transposes)
        {
            foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 33, 5), (33, 7, 129), (17, 129, 3), (129, 65, 17) })
                shapes.Add(new GemmShape(ta, tb, m, n, k));
            shapes.Add(new GemmShape(ta, tb, 7, 33, 5, -0.75f, 0.5f));
            shapes.Add(Batched(new GemmShape(ta, tb, 17, 20, 9, 1f, 0f, Batch: 2)));
        }
        shapes.Add(new GemmShape(false, false, 33, 7, 129, 2f, -1.25f));
        shapes.Add(Batched(new GemmShape(false, true, 33, 70, 19, 1f, 0.5f, Batch: 3)));
        shapes.Add(new GemmShape(false, false, 5, 3, 0));
        shapes.Add(new GemmShape(false, false, 5, 3, 0, 1f, 2f));
        return [.. shapes];
    }

    /// <summary>Strides a few elements longer than each matrix, so writes past a batch show.</summary>
    private static GemmShape Batched(GemmShape s) => s with
    {
        StrideA = (long)s.M * s.K + 5,
        StrideB = (long)s.K * s.N + 3,
        StrideC = (long)s.M * s.N + 7,
    };

    /// <summary>"MxNxK:TT", then alpha, beta and the batch where they are not the defaults.</summary>
    public static string Describe(in GemmShape s) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{s.M}x{s.N}x{s.K}:{(s.TransA ? 'T' : 'N')}{(s.TransB ? 'T' : 'N')}")
        + (s.Alpha != 1 || s.Beta != 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" alpha={s.Alpha} beta={s.Beta}") : "")
        + (s.Batch > 1 ? $" batch={s.Batch}" : "");

    /// <summary>
    /// Runs <paramref name="shape"/> on <paramref name="backend"/> on seeded random inputs placed at
    /// odd offsets into longer buffers (NaN in A's and B's stride gaps), beside the float64 reference.
    /// Elements of C outside the matrices must come back bit for bit as they were.
    /// </summary>
    public static OpCheck Check(IBackend backend, in GemmShape shape) => Run(backend, shape, null);

    /// <summary>
    /// <see cref="Check(IBackend, in GemmShape)"/> of the case's shape with its epilogue fused in: its operand E
    /// at an odd offset with gaps between batches; C and the row sums against the float64 reference
    /// (<see cref="GemmEpilogueOp"/>), every other element of E bit for bit as it was (the read-only bias and output, the
    /// gaps between row sums).
    /// </summary>
    public static OpCheck Check(IBackend backend, GemmEpilogueCase fused) => Run(backend, fused.Shape, fused);

    private static OpCheck Run(IBackend backend, in GemmShape shape, GemmEpilogueCase? epilogue)
    {
        var s = shape;
        var rng = new Random(CaseSeed.Of(CaseSeed.Flag(s.TransA), CaseSeed.Flag(s.TransB), s.M, s.N, s.K, s.Batch, (int)(epilogue?.Kind ?? 0), (int)(epilogue?.Activation ?? 0)));
        float[] a = WithGaps(Random(rng, s.ExtentA), s.StrideA, (long)s.M * s.K);
        float[] b = WithGaps(Random(rng, s.ExtentB), s.StrideB, (long)s.K * s.N);
        float[] c0 = s.Beta == 0 ? Nans(s.ExtentC) : Random(rng, s.ExtentC);
        float[] e0 = epilogue?.Operand(rng, s) ?? [];

        // Empty operands (K == 0) sit at offset 0: a view starting past a buffer's end is no view.
        int offsetA = a.Length == 0 ? 0 : 5, offsetB = b.Length == 0 ? 0 : 1;
        const int OffsetE = 2;
        using var wholeA = backend.Allocate<float>(a.Length + offsetA);
        using var wholeB = backend.Allocate<float>(b.Length + offsetB);
        using var wholeC = backend.Allocate<float>(c0.Length + 3 + 2);
        using var wholeE = backend.Allocate<float>(e0.Length + OffsetE + 1);
        backend.Upload<float>(Nans(wholeC.Length), wholeC);
        backend.Upload<float>(Nans(wholeE.Length), wholeE);
        var (da, db, dc) = (wholeA.Slice(offsetA, a.Length), wholeB.Slice(offsetB, b.Length), wholeC.Slice(3, c0.Length));
        var de = wholeE.Slice(OffsetE, e0.Length);
        backend.Upload<float>(a, da);
        backend.Upload<float>(b, db);
        backend.Upload<float>(c0, dc);
        backend.Upload<float>(e0, de);
        backend.Gemm(s, da, db, dc, epilogue?.Of(de, s) ?? GemmEpilogue.None);
        var got = new float[wholeC.Length];
        backend.Download<float>(wholeC, got);
        var gotE = new float[wholeE.Length];
        backend.Download<float>(wholeE, gotE);

        double[] a64 = Array.ConvertAll(a, v => (double)v), b64 = Array.ConvertAll(b, v => (double)v);
        double[] want = Array.ConvertAll(c0, v => (double)v);
        ReferenceOps.Gemm(s, a64, b64, want);
        double[] scale = s.Beta == 0 ? new double[c0.Length] : Array.ConvertAll(c0, v => Math.Abs((double)v));
        ReferenceOps.Gemm(s with { Alpha = Math.Abs(s.Alpha), Beta = Math.Abs(s.Beta) },
            Array.ConvertAll(a, v => Math.Abs((double)v)), Array.ConvertAll(b, v => Math.Abs((double)v)), scale);
        epilogue?.Apply(s, e0, want, scale);

        var worst = new Worst();
        for (int i = 0; i < got.Length; i++)
        {
            int p = i - 3;
            bool inMatrix = p >= 0 && p < c0.Length && (s.StrideC == 0 || p % s.StrideC < (long)s.M * s.N);
            if (inMatrix)
                worst.Element(got[i], want[p], scale[p], $"C[{p}]");
            else
                worst.Untouched(got[i], p >= 0 && p < c0.Length ? c0[p] : float.NaN, $"C[{p}] outside the matrices");
        }
        var sums = epilogue?.RowSums(s, a64) ?? [];
        for (int i = 0; i < gotE.Length; i++)
        {
            int p = i - OffsetE;
            if (sums.TryGetValue(p, out var sum))
                worst.Element(gotE[i], sum.Want, sum.Scale, $"row sum E[{p}]");
            else
                worst.Untouched(gotE[i], p >= 0 && p < e0.Length ? e0[p] : float.NaN, $"E[{p}], which the epilogue must not write,");
        }
        return new OpCheck(worst.Ratio, worst.Where);
    }

    /// <summary>The worst element of a check so far: its error over the bound, and where it was.</summary>
    private sealed class Worst
    {
        public double Ratio { get; private set; }
        public string Where { get; private set; } = "";

        public void Element(float got, double want, double scale, string what) =>
            Note(ErrorBound.Float32Op.WorstRatio([got], [want], [scale]), $"{what} = {got:R}, reference {want:R}");

        public void Untouched(float got, float was, string what) =>
            Note(got.Equals(was) ? 0 : double.PositiveInfinity, $"{what} changed to {got:R}");

        private void Note(double ratio, string where)
        {
            if (ratio > Ratio)
                (Ratio, Where) = (ratio, where);
        }
    }

    internal static float[] Random(Random rng, long length)
    {
        var x = new float[checked((int)length)];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    internal static float[] Nans(long length)
    {
        var x = new float[checked((int)length)];
        Array.Fill(x, float.NaN);
        return x;
    }

    /// <summary>NaN in the stride gaps, so reading one would poison the result.</summary>
    private static float[] WithGaps(float[] values, long stride, long matrix)
    {
        for (int i = 0; i < values.Length; i++)
            if (stride != 0 && i % stride >= matrix)
                values[i] = float.NaN;
        return values;
    }
}
