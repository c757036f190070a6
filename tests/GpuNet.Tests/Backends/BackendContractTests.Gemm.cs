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
        int target = backend.GemmTargetGroups;
        backend.GemmTargetGroups = 1000;
        try
        {
            var plan = GpuNet.Backends.Ilgpu.GemmPlan.For(shape, GemmKernel.DoubleBuffered128, backend.GemmTargetGroups);
            Assert.True(plan.Splits > 1, $"expected split-K for {GemmOp.Describe(shape)}, got {plan}");
            AssertPassed(GemmOp.Check(backend, shape), $"split-K GEMM {GemmOp.Describe(shape)}");
        }
        finally
        {
            backend.GemmTargetGroups = target;
        }
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
}
