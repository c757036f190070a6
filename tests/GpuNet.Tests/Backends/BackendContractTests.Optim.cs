namespace GpuNet.Tests.Backends;

public abstract partial class BackendContractTests
{
    public static TheoryData<float, float, bool, int> SgdCases => new()
    {
        { 0f, 0f, false, 129 },
        { 0.9f, 0f, false, 129 },
        { 0.9f, 0f, true, 33 },
        { 0.9f, 0.1f, false, 7 },
        { 0.5f, 0.01f, true, 1 },
        { 0f, 0.1f, false, 33 },
    };

    /// <summary>Two steps, so the second sees the velocity the first left (PyTorch's v = g on step one).</summary>
    [Theory]
    [MemberData(nameof(SgdCases), MemberType = typeof(BackendContractTests))]
    public void SgdUpdate_MatchesPyTorchSemantics(float momentum, float weightDecay, bool nesterov, int count)
    {
        var sgd = new SgdParams(0.1f, momentum, weightDecay, nesterov);
        var rng = Rng(30, (int)(momentum * 10), (int)(weightDecay * 100), nesterov ? 1 : 0, count);
        float[] w0 = RandomFloats(rng, count);
        var parameters = Place(w0, offset: 1, slack: 1);
        // Momentum 0 must leave the velocity alone: NaN there would otherwise spread.
        var velocity = momentum == 0 ? Poisoned(count, offset: 2) : Place(new float[count], offset: 2);
        double[] wantW = ToDouble(w0), wantV = new double[count];
        for (int step = 0; step < 2; step++)
        {
            float[] g = RandomFloats(rng, count);
            Backend.SgdUpdate(parameters, Place(g, offset: 3), velocity, count, sgd);
            ReferenceOps.SgdUpdate(wantW, ToDouble(g), wantV, count, sgd);
        }
        AssertClose(Read(parameters, count), wantW, "parameters");
        if (momentum == 0)
            Assert.All(Read(velocity, count), v => Assert.True(float.IsNaN(v)));
        else
            AssertClose(Read(velocity, count), wantV, "velocity");
    }

    /// <summary>Without momentum the velocity may be missing altogether: PyTorch makes no momentum_buffer then, nor does GpuNet.</summary>
    [Fact]
    public void SgdUpdate_WithoutMomentum_NeedsNoVelocity()
    {
        const int count = 33;
        var sgd = new SgdParams(0.1f, Momentum: 0f, WeightDecay: 0.01f);
        var rng = Rng(32);
        float[] w0 = RandomFloats(rng, count), g = RandomFloats(rng, count);
        var parameters = Place(w0, offset: 1, slack: 1);
        double[] wantW = ToDouble(w0);
        Backend.SgdUpdate(parameters, Place(g, offset: 3), velocity: null, count, sgd);
        ReferenceOps.SgdUpdate(wantW, ToDouble(g), new double[count], count, sgd);
        AssertClose(Read(parameters, count), wantW, "parameters");
        Assert.ThrowsAny<ArgumentException>(() => Backend.SgdUpdate(parameters, Place(g), velocity: null, count, sgd with { Momentum = 0.9f }));
    }

    /// <summary>The gradient factor read from the device (clipping's) scales the raw gradient before weight decay is added, as clip_grad_norm_ then SGD do.</summary>
    [Theory]
    [InlineData(0f, 0f, false)]
    [InlineData(0.9f, 0.1f, true)]
    public void SgdUpdate_ScalesTheGradientBeforeWeightDecay(float momentum, float weightDecay, bool nesterov)
    {
        const int count = 33;
        var sgd = new SgdParams(0.1f, momentum, weightDecay, nesterov);
        var rng = Rng(31, (int)(momentum * 10), nesterov ? 1 : 0);
        float[] w0 = RandomFloats(rng, count), g = RandomFloats(rng, count);
        var parameters = Place(w0, offset: 1, slack: 1);
        var velocity = Place(new float[count], offset: 2);
        double[] wantW = ToDouble(w0), wantV = new double[count];
        Backend.SgdUpdate(parameters, Place(g, offset: 3), velocity, count, sgd, Place([0.25f], offset: 2));
        ReferenceOps.SgdUpdate(wantW, ToDouble(g), wantV, count, sgd, gradScale: 0.25);
        AssertClose(Read(parameters, count), wantW, "parameters");
        // The scale really applies: the same step without it lands elsewhere.
        double[] unscaled = ToDouble(w0);
        ReferenceOps.SgdUpdate(unscaled, ToDouble(g), new double[count], count, sgd);
        Assert.NotEqual(unscaled, wantW);
    }

    public static TheoryData<int, float> ClipCases => new()
    {
        { 1, 0.1f }, { 7, 100f }, { 33, 0.5f }, { 129, 1f }, { 256 * 33 + 7, 3f }, { 256 * ReduceKernels.SquareSumGroups + 129, 1e9f },
    };

    /// <summary>
    /// clip_grad_norm_'s factor, computed on the device into one element: against the float64 reference at sizes below,
    /// at and above the elements one pass of the partial sums' groups covers, clipping (norm above the limit) and not (factor exactly 1).
    /// </summary>
    [Theory]
    [MemberData(nameof(ClipCases), MemberType = typeof(BackendContractTests))]
    public void ClipScale_MatchesReference(int count, float maxNorm)
    {
        var rng = Rng(33, count);
        float[] g = RandomFloats(rng, count);
        var scale = Poisoned(1, offset: 1);
        Backend.ClipScale(Place(g, offset: 3, slack: 2), count, maxNorm, scale);
        double want = ReferenceOps.ClipScale(ToDouble(g), count, maxNorm);
        AssertClose(Read(scale, 1), [want], "scale");
        if (want == 1) Assert.Equal(1f, Read(scale, 1)[0]);
    }

    public static TheoryData<string> AdamCases => new(AdamOp.Cases.Select(c => c.ToString()));

    /// <summary>Three Adam/AdamW steps over a flat buffer against the float64 torch.optim rule (<see cref="AdamOp"/>).</summary>
    [Theory]
    [MemberData(nameof(AdamCases), MemberType = typeof(BackendContractTests))]
    public void AdamUpdate_MatchesReference(string adamCase)
        => AssertPassed(AdamOp.Check(Backend, AdamOp.Cases.Single(c => c.ToString() == adamCase)), adamCase);
}
