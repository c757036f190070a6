using GpuNet.Backends;
using GpuNet.Reference;

namespace GpuNet.Tests.Backends;

public abstract partial class BackendContractTests
{
    public static TheoryData<bool, bool, int, int, int, float, float> GemmCases => new()
    {
        { false, false, 1, 1, 1, 1f, 0f },
        { false, false, 7, 33, 129, 1f, 0f },
        { false, true, 33, 7, 129, 0.5f, 0f },
        { true, false, 129, 33, 7, 1f, -1.5f },
        { true, true, 7, 129, 33, -2f, 0.25f },
        { false, true, 129, 129, 33, 1f, 1f },
        { true, false, 1, 129, 7, 1f, 0f },
        { false, false, 33, 1, 129, 1f, 2f },
        // Several K blocks and several output tiles: the blocked paths of fast backends.
        { false, true, 200, 300, 520, 1f, 0f },
        { true, false, 130, 260, 300, 0.5f, 2f },
    };

    [Theory]
    [MemberData(nameof(GemmCases), MemberType = typeof(BackendContractTests))]
    public void Gemm_MatchesReference(bool transA, bool transB, int m, int n, int k, float alpha, float beta)
    {
        var shape = new GemmShape(transA, transB, m, n, k, alpha, beta);
        CheckGemm(shape, Rng(1, transA ? 1 : 0, transB ? 1 : 0, m, n, k));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Gemm_Batched_UsesStrides(bool transA, bool transB)
    {
        const int m = 7, n = 33, k = 17;
        // Strides longer than a matrix: the gaps stay NaN and must never be read or written.
        var shape = new GemmShape(transA, transB, m, n, k, 1f, 0.5f, Batch: 2,
            StrideA: m * k + 5, StrideB: k * n + 3, StrideC: m * n + 4);
        CheckGemm(shape, Rng(2, transA ? 1 : 0, transB ? 1 : 0));
    }

    [Fact]
    public void Gemm_IsBitIdenticalAcrossRuns()
    {
        var shape = new GemmShape(false, true, 129, 200, 300);
        var rng = Rng(3);
        var a = Place(RandomFloats(rng, (int)shape.ExtentA));
        var b = Place(RandomFloats(rng, (int)shape.ExtentB));
        var first = Poisoned((int)shape.ExtentC);
        var second = Poisoned((int)shape.ExtentC);
        Backend.Gemm(shape, a, b, first);
        Backend.Gemm(shape, a, b, second);
        Assert.Equal(Read(first, first.Length), Read(second, second.Length));
    }

    /// <summary>
    /// Runs the GEMM on inputs placed at odd offsets (batch gaps NaN) and compares with the float64
    /// reference; C starts as NaN when beta == 0, which BLAS semantics must not let through.
    /// </summary>
    private void CheckGemm(GemmShape shape, Random rng)
    {
        float[] a = WithGaps(RandomFloats(rng, (int)shape.ExtentA), shape.StrideA, shape.M * shape.K);
        float[] b = WithGaps(RandomFloats(rng, (int)shape.ExtentB), shape.StrideB, shape.K * shape.N);
        float[] c0 = shape.Beta == 0 ? Nans((int)shape.ExtentC)
            : WithGaps(RandomFloats(rng, (int)shape.ExtentC), shape.StrideC, shape.M * shape.N);
        var c = Place(c0, offset: 3, slack: 2);
        Backend.Gemm(shape, Place(a, offset: 5), Place(b, offset: 1), c);

        double[] want = shape.Beta == 0 ? new double[c0.Length] : ToDouble(c0);
        ReferenceOps.Gemm(shape, ToDouble(a), ToDouble(b), want);
        double[] scale = shape.Beta == 0 ? new double[c0.Length] : Abs(c0);
        ReferenceOps.Gemm(shape with { Alpha = Math.Abs(shape.Alpha), Beta = Math.Abs(shape.Beta) },
            Abs(a), Abs(b), scale);

        float[] got = Read(c, c0.Length);
        var written = Enumerable.Range(0, c0.Length).Where(i => IsInMatrix(i, shape.StrideC, shape.M * shape.N)).ToArray();
        AssertClose(written.Select(i => got[i]).ToArray(), written.Select(i => want[i]).ToArray(),
            written.Select(i => scale[i]).ToArray(), $"C of {shape}");
        foreach (int i in Enumerable.Range(0, c0.Length).Except(written))
            Assert.True(float.IsNaN(got[i]) || got[i] == c0[i], $"GEMM wrote C[{i}], in the gap between batches");
    }

    private static double[] Abs(float[] values) => Array.ConvertAll(values, v => Math.Abs((double)v));

    /// <summary>NaN in the stride gaps, so reading one would poison the result.</summary>
    private static float[] WithGaps(float[] values, long stride, int matrix)
    {
        for (int i = 0; i < values.Length; i++)
            if (!IsInMatrix(i, stride, matrix))
                values[i] = float.NaN;
        return values;
    }

    private static bool IsInMatrix(int index, long stride, int matrix) => stride == 0 || index % stride < matrix;
}
