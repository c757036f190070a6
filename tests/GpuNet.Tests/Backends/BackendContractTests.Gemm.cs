namespace GpuNet.Tests.Backends;

public abstract partial class BackendContractTests
{
    /// <summary>
    /// The device's own GEMM on every shape of <see cref="GemmOp"/>, then every ILGPU rung (a
    /// configuration axis of the suite, enumerated so a new rung is covered) on its awkward shapes. The rung rows
    /// are [Slow]: on the ILGPU simulator they took 11 s of the contract suite's 18.
    /// </summary>
    public static IEnumerable<TheoryDataRow<string, string>> GemmCases()
    {
        foreach (var shape in GemmOp.Shapes.Concat(GemmOp.LargeShapes))
            yield return new(DefaultRung, GemmOp.Describe(shape));
        foreach (string rung in Enum.GetNames<GemmKernel>())
            foreach (var shape in GemmOp.Shapes)
                yield return new TheoryDataRow<string, string>(rung, GemmOp.Describe(shape)).Slow();
    }

    private const string DefaultRung = "default";

    [Theory]
    [MemberData(nameof(GemmCases), MemberType = typeof(BackendContractTests))]
    public void Gemm_MatchesReference(string rung, string shape)
    {
        var backend = rung == DefaultRung ? Backend : RungBackend(Enum.Parse<GemmKernel>(rung));
        AssertPassed(GemmOp.Check(backend, GemmOp.Shapes.Concat(GemmOp.LargeShapes).Single(s => GemmOp.Describe(s) == shape)), $"{rung} GEMM {shape}");
    }

    /// <summary>
    /// Split-K: asked to fill far more groups than the blocks of C give, the 128×128 rung splits K
    /// (several stages per split, a ragged first stage in each, batches) and the fixed-order
    /// reduction applies alpha and beta.
    /// </summary>
    [Theory]
    [InlineData(false, false, 33, 7, 129, 1f, 0f, 1)]
    [InlineData(false, true, 129, 65, 100, 2f, -1.25f, 1)]
    [InlineData(true, false, 17, 20, 77, 1f, 0f, 2)]
    [InlineData(true, true, 7, 33, 64, 0.5f, 1f, 2)]
    public void Gemm_SplitK_MatchesReference(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int batch)
    {
        if (RungBackend(GemmKernel.DoubleBuffered128) is not GpuNet.Backends.Ilgpu.IlgpuBackend backend)
        {
            Assert.Skip("split-K is an ILGPU rung's");
            return;
        }
        var shape = new GemmShape(transA, transB, m, n, k, alpha, beta, batch,
            batch > 1 ? (long)m * k + 3 : 0, batch > 1 ? (long)k * n + 5 : 0, batch > 1 ? (long)m * n + 7 : 0);
        AssertSplits(backend, shape, () => GemmOp.Check(backend, shape), $"split-K GEMM {GemmOp.Describe(shape)}");
    }

    /// <summary>
    /// Every fused GEMM of <see cref="GemmEpilogueOp"/> on the device's own GEMM, then on every ILGPU rung ([Slow], as the
    /// plain GEMM's rung rows): bias + activation, the activation's backward and the row sums beside C.
    /// </summary>
    public static IEnumerable<TheoryDataRow<string, string>> GemmEpilogueCases()
    {
        foreach (var fused in GemmEpilogueOp.Cases)
            yield return new(DefaultRung, fused.ToString());
        foreach (string rung in Enum.GetNames<GemmKernel>())
            foreach (var fused in GemmEpilogueOp.Cases)
                yield return new TheoryDataRow<string, string>(rung, fused.ToString()).Slow();
    }

    [Theory]
    [MemberData(nameof(GemmEpilogueCases), MemberType = typeof(BackendContractTests))]
    public void Gemm_WithEpilogue_MatchesReference(string rung, string fused)
    {
        var backend = rung == DefaultRung ? Backend : RungBackend(Enum.Parse<GemmKernel>(rung));
        AssertPassed(GemmOp.Check(backend, GemmEpilogueOp.Cases.Single(c => c.ToString() == fused)), $"{rung} GEMM {fused}");
    }

    /// <summary>
    /// Split-K with each epilogue: the partial launch computes the row sums beside it (split 0 alone, over all of K),
    /// and the reduction applies bias + activation or the activation's backward to each summed element.
    /// </summary>
    [Theory]
    [MemberData(nameof(SplitKEpilogueCases))]
    public void Gemm_SplitK_WithEpilogue_MatchesReference(int index)
    {
        if (RungBackend(GemmKernel.DoubleBuffered128) is not GpuNet.Backends.Ilgpu.IlgpuBackend backend)
        {
            Assert.Skip("split-K is an ILGPU rung's");
            return;
        }
        var fused = GemmEpilogueOp.SplitKCases[index];
        AssertSplits(backend, fused.Shape, () => GemmOp.Check(backend, fused), $"split-K GEMM {fused}");
    }

    /// <summary>
    /// Runs <paramref name="check"/> with the 128×128 rung asked to fill far more groups than the blocks of C give and
    /// let any block split, after asserting that <paramref name="shape"/> then splits K.
    /// </summary>
    private static void AssertSplits(GpuNet.Backends.Ilgpu.IlgpuBackend backend, GemmShape shape, Func<OpCheck> check, string what)
    {
        var (target, minWork) = (backend.GemmTargetGroups, backend.GemmMinSplitWork);
        (backend.GemmTargetGroups, backend.GemmMinSplitWork) = (1000, 0);
        try
        {
            var plan = GpuNet.Backends.Ilgpu.GemmPlan.For(shape, GemmKernel.DoubleBuffered128, backend.GemmTargetGroups, backend.GemmMinSplitWork);
            Assert.True(plan.Splits > 1, $"expected split-K for {what}, got {plan}");
            AssertPassed(check(), what);
        }
        finally
        {
            (backend.GemmTargetGroups, backend.GemmMinSplitWork) = (target, minWork);
        }
    }

    public static TheoryData<int> SplitKEpilogueCases => new(Enumerable.Range(0, GemmEpilogueOp.SplitKCases.Count));

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
}
