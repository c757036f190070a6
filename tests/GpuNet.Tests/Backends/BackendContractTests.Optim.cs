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

    /// <summary>GradScale (gradient clipping) scales the raw gradient before weight decay is added, as clip_grad_norm_ then SGD do.</summary>
    [Theory]
    [InlineData(0f, 0f, false)]
    [InlineData(0.9f, 0.1f, true)]
    public void SgdUpdate_ScalesTheGradientBeforeWeightDecay(float momentum, float weightDecay, bool nesterov)
    {
        const int count = 33;
        var sgd = new SgdParams(0.1f, momentum, weightDecay, nesterov, GradScale: 0.25f);
        var rng = Rng(31, (int)(momentum * 10), nesterov ? 1 : 0);
        float[] w0 = RandomFloats(rng, count), g = RandomFloats(rng, count);
        var parameters = Place(w0, offset: 1, slack: 1);
        var velocity = Place(new float[count], offset: 2);
        double[] wantW = ToDouble(w0), wantV = new double[count];
        Backend.SgdUpdate(parameters, Place(g, offset: 3), velocity, count, sgd);
        ReferenceOps.SgdUpdate(wantW, ToDouble(g), wantV, count, sgd);
        AssertClose(Read(parameters, count), wantW, "parameters");
        // The scale really applies: the same step without it lands elsewhere.
        double[] unscaled = ToDouble(w0);
        ReferenceOps.SgdUpdate(unscaled, ToDouble(g), new double[count], count, sgd with { GradScale = 1f });
        Assert.NotEqual(unscaled, wantW);
    }

    /// <summary>A layer's weight and bias in one update: each tensor exactly as <see cref="ReferenceOps.SgdUpdate"/> steps it alone.</summary>
    [Theory]
    [InlineData(0f, 0f, false)]
    [InlineData(0.9f, 0.01f, true)]
    public void SgdUpdatePair_StepsBothTensors(float momentum, float weightDecay, bool nesterov)
    {
        const int weights = 129, biases = 7;
        var sgd = new SgdParams(0.05f, momentum, weightDecay, nesterov);
        var rng = Rng(31, (int)(momentum * 10), nesterov ? 1 : 0);
        float[] w0 = RandomFloats(rng, weights), b0 = RandomFloats(rng, biases);
        var w = Place(w0, offset: 1, slack: 1);
        var b = Place(b0, offset: 2, slack: 1);
        var vw = momentum == 0 ? Poisoned(weights, offset: 1) : Place(new float[weights], offset: 1);
        var vb = momentum == 0 ? Poisoned(biases, offset: 3) : Place(new float[biases], offset: 3);
        double[] wantW = ToDouble(w0), wantB = ToDouble(b0), wantVw = new double[weights], wantVb = new double[biases];
        for (int step = 0; step < 2; step++)
        {
            float[] gw = RandomFloats(rng, weights), gb = RandomFloats(rng, biases);
            Backend.SgdUpdatePair(w, Place(gw, offset: 2), vw, b, Place(gb, offset: 1), vb, sgd);
            ReferenceOps.SgdUpdate(wantW, ToDouble(gw), wantVw, weights, sgd);
            ReferenceOps.SgdUpdate(wantB, ToDouble(gb), wantVb, biases, sgd);
        }
        AssertClose(Read(w, weights), wantW, "weight");
        AssertClose(Read(b, biases), wantB, "bias");
        if (momentum == 0)
        {
            Assert.All(Read(vw, weights), v => Assert.True(float.IsNaN(v)));
            Assert.All(Read(vb, biases), v => Assert.True(float.IsNaN(v)));
        }
        else
        {
            AssertClose(Read(vw, weights), wantVw, "weight velocity");
            AssertClose(Read(vb, biases), wantVb, "bias velocity");
        }
    }

    public static TheoryData<string> AdamCases => new(AdamOp.Cases.Select(c => c.ToString()));

    /// <summary>Three fused Adam/AdamW steps on a weight and a bias against the float64 torch.optim rule (<see cref="AdamOp"/>).</summary>
    [Theory]
    [MemberData(nameof(AdamCases), MemberType = typeof(BackendContractTests))]
    public void AdamUpdatePair_MatchesReference(string adamCase)
        => AssertPassed(AdamOp.Check(Backend, AdamOp.Cases.Single(c => c.ToString() == adamCase)), adamCase);
}
