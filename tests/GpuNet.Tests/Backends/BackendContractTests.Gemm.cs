using GpuNet.Backends;
using GpuNet.Kernels;
using GpuNet.Reference;

namespace GpuNet.Tests.Backends;

public abstract partial class BackendContractTests
{
    /// <summary>
    /// The device's own GEMM on every shape of <see cref="GemmOp"/>, then every ILGPU rung (a
    /// configuration axis of the suite, enumerated so a new rung is covered) on its awkward shapes.
    /// </summary>
    public static IEnumerable<TheoryDataRow<string, string>> GemmCases()
    {
        foreach (var shape in GemmOp.Shapes.Concat(GemmOp.LargeShapes))
            yield return new(DefaultRung, GemmOp.Describe(shape));
        foreach (string rung in Enum.GetNames<GemmKernel>())
            foreach (var shape in GemmOp.Shapes)
                yield return new(rung, GemmOp.Describe(shape));
    }

    private const string DefaultRung = "default";

    [Theory]
    [MemberData(nameof(GemmCases), MemberType = typeof(BackendContractTests))]
    public void Gemm_MatchesReference(string rung, string shape)
    {
        var backend = rung == DefaultRung ? Backend : RungBackend(Enum.Parse<GemmKernel>(rung));
        var check = GemmOp.Check(backend, GemmOp.Shapes.Concat(GemmOp.LargeShapes).Single(s => GemmOp.Describe(s) == shape));
        Assert.True(check.Passed, $"{rung} GEMM {shape}: {check.Worst}, {check.WorstRatio:G3} of the bound");
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
