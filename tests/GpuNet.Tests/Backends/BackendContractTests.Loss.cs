namespace GpuNet.Tests.Backends;

public abstract partial class BackendContractTests
{
    public static TheoryData<int, int, bool, bool> SoftmaxLossCases => new()
    {
        { 1, 1, true, false },
        { 7, 10, false, false },
        { 33, 7, true, false },
        { 129, 3, true, true },
        { 7, 129, true, true },
    };

    /// <summary>
    /// Two calls on fresh logits into the same stats (which must accumulate, per row); the
    /// gradient, when asked for, is written by each call, into the logits themselves when aliased.
    /// </summary>
    [Theory]
    [MemberData(nameof(SoftmaxLossCases), MemberType = typeof(BackendContractTests))]
    public void SoftmaxCrossEntropy_MatchesReference(int rows, int classes, bool withGradient, bool aliasGradient)
    {
        var rng = Rng(20, rows, classes, withGradient ? 1 : 0, aliasGradient ? 1 : 0);
        float[] stats0 = RandomFloats(rng, 2 * rows, 2f);
        var stats = Place(stats0, offset: 1);
        double[] wantStats = ToDouble(stats0);
        float gradScale = 1f / rows;
        for (int call = 0; call < 2; call++)
        {
            float[] z = RandomFloats(rng, rows * classes, 5f);
            int[] y = RandomInts(rng, rows, classes);
            var logits = Place(z, offset: 3);
            DeviceBuffer<float>? grad = !withGradient ? null : aliasGradient ? logits : Poisoned(rows * classes, offset: 2);
            Backend.SoftmaxCrossEntropy(logits, Place(y, offset: 2), rows, classes, grad, gradScale, stats);

            double[]? wantGrad = withGradient ? new double[rows * classes] : null;
            ReferenceOps.SoftmaxCrossEntropy(ToDouble(z), y, rows, classes, wantGrad, gradScale, wantStats);
            if (grad is not null)
                AssertClose(Read(grad, rows * classes), wantGrad!, $"call {call} gradLogits");
            else
                Assert.Equal(z, Read(logits, z.Length));
        }
        AssertClose(Read(stats, 2 * rows), wantStats, "stats");
    }

    /// <summary>Rows whose maximum is tied: "correct" means the FIRST argmax is the label.</summary>
    [Fact]
    public void SoftmaxCrossEntropy_TiedMaximum_CountsTheFirstArgmax()
    {
        const int classes = 4;
        float[] z = [0f, 50f, 50f, -1f, 3f, 3f, 3f, 3f, 1f, 7f, 2f, 7f];
        int[] y = [2, 0, 3]; // the second tied class, the first of four, the second of two
        int rows = y.Length;
        var stats = Place(new float[2 * rows]);
        var grad = Poisoned(rows * classes, offset: 1);
        Backend.SoftmaxCrossEntropy(Place(z, offset: 2), Place(y, offset: 1), rows, classes, grad, 1f / rows, stats);

        double[] wantStats = new double[2 * rows], wantGrad = new double[rows * classes];
        ReferenceOps.SoftmaxCrossEntropy(ToDouble(z), y, rows, classes, wantGrad, 1.0 / rows, wantStats);
        Assert.Equal([0.0, 1.0, 0.0], [wantStats[1], wantStats[3], wantStats[5]]); // the reference applies the same rule
        AssertClose(Read(stats, 2 * rows), wantStats, "stats");
        AssertClose(Read(grad, rows * classes), wantGrad, "gradLogits");
    }

    /// <summary>Logits far out in both tails and at zero: the stable form must give no inf/NaN and the exact gradient.</summary>
    [Fact]
    public void SigmoidBinaryCrossEntropy_IsStableAtExtremeLogits()
    {
        float[] z = [0f, 1e-3f, -2f, 5f, -40f, 40f, 0.7f, -90f, 90f];
        int[] y = [1, 0, 0, 1, 1, 0, 1, 0, 1];
        int rows = z.Length;
        var stats = Place(new float[2 * rows]);
        var grad = Poisoned(rows, offset: 1);
        Backend.SigmoidBinaryCrossEntropy(Place(z), Place(y, offset: 2), rows, grad, 0.5f, stats);

        double[] wantStats = new double[2 * rows], wantGrad = new double[rows];
        ReferenceOps.SigmoidBinaryCrossEntropy(ToDouble(z), y, rows, wantGrad, 0.5, wantStats);
        AssertClose(Read(stats, 2 * rows), wantStats, "stats");
        AssertClose(Read(grad, rows), wantGrad, "gradLogits");
    }

    [Theory]
    [InlineData(1, true, false)]
    [InlineData(33, false, false)]
    [InlineData(129, true, true)]
    public void SigmoidBinaryCrossEntropy_MatchesReference(int rows, bool withGradient, bool aliasGradient)
    {
        var rng = Rng(21, rows, withGradient ? 1 : 0, aliasGradient ? 1 : 0);
        float[] stats0 = RandomFloats(rng, 2 * rows, 2f);
        var stats = Place(stats0, offset: 2);
        double[] wantStats = ToDouble(stats0);
        float gradScale = 1f / rows;
        for (int call = 0; call < 2; call++)
        {
            float[] z = RandomFloats(rng, rows, 8f);
            int[] y = RandomInts(rng, rows, 2);
            var logits = Place(z, offset: 1);
            DeviceBuffer<float>? grad = !withGradient ? null : aliasGradient ? logits : Poisoned(rows, offset: 3);
            Backend.SigmoidBinaryCrossEntropy(logits, Place(y, offset: 1), rows, grad, gradScale, stats);

            double[]? wantGrad = withGradient ? new double[rows] : null;
            ReferenceOps.SigmoidBinaryCrossEntropy(ToDouble(z), y, rows, wantGrad, gradScale, wantStats);
            if (grad is not null)
                AssertClose(Read(grad, rows), wantGrad!, $"call {call} gradLogits");
        }
        AssertClose(Read(stats, 2 * rows), wantStats, "stats");
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(33, 7, true)]
    [InlineData(7, 129, false)]
    public void Softmax_MatchesReference(int rows, int classes, bool inPlace)
    {
        float[] z = RandomFloats(Rng(22, rows, classes), rows * classes, 5f);
        var logits = Place(z, offset: 1);
        var probabilities = inPlace ? logits : Poisoned(rows * classes, offset: 2);
        Backend.Softmax(logits, probabilities, rows, classes);

        var want = new double[rows * classes];
        ReferenceOps.Softmax(ToDouble(z), want, rows, classes);
        AssertClose(Read(probabilities, want.Length), want, "probabilities");
    }

    /// <summary>
    /// The lecture's worked example: p = (0.2, 0.5, 0.3), true class 0, input x = [1, 1, 0].
    /// dW = (p − onehot)ᵀ·x has rows −0.8·x, 0.5·x and 0.3·x.
    /// </summary>
    [Fact]
    public void SoftmaxCrossEntropy_WorkedExample_GivesTheLectureWeightGradient()
    {
        float[] logits = [MathF.Log(0.2f), MathF.Log(0.5f), MathF.Log(0.3f)];
        float[] x = [1f, 1f, 0f];
        var gradLogits = Poisoned(3);
        var stats = Place(new float[2]);
        Backend.SoftmaxCrossEntropy(Place(logits), Place(new int[1]), 1, 3, gradLogits, 1f, stats); // label 0

        // dW[3 classes, 3 inputs] = gradLogitsᵀ[3, 1] · x[1, 3]
        var dW = Poisoned(9);
        Backend.Gemm(new GemmShape(TransA: true, TransB: false, M: 3, N: 3, K: 1), gradLogits, Place(x), dW);

        double[] want = [-0.8, -0.8, 0, 0.5, 0.5, 0, 0.3, 0.3, 0];
        AssertClose(Read(dW, 9), want, "dW");
        AssertClose(Read(stats, 2), [-Math.Log(0.2), 0], "stats (loss −ln 0.2, argmax is class 1)");
    }
}
