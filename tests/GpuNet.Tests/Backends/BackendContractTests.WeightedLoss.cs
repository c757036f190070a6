namespace GpuNet.Tests.Backends;

/// <summary>
/// The class-weighted losses (PyTorch's CrossEntropyLoss(weight=)): every backend against the float64 reference,
/// the gradient of the weighted mean Σ w·l / Σ w against finite differences, and unit weights giving exactly the
/// unweighted op's bits.
/// </summary>
public abstract partial class BackendContractTests
{
    public static TheoryData<int, int, bool> WeightedSoftmaxLossCases => new()
    {
        { 1, 2, false },
        { 33, 7, false },
        { 129, 3, true },
        { 7, 129, true },
    };

    [Theory]
    [MemberData(nameof(WeightedSoftmaxLossCases), MemberType = typeof(BackendContractTests))]
    public void SoftmaxCrossEntropy_WithClassWeights_MatchesReference(int rows, int classes, bool aliasGradient)
    {
        var rng = Rng(23, rows, classes, aliasGradient ? 1 : 0);
        float[] weights = RandomWeights(rng, classes);
        float[] stats0 = RandomFloats(rng, 2 * rows, 2f);
        var stats = Place(stats0, offset: 1);
        double[] wantStats = ToDouble(stats0);
        for (int call = 0; call < 2; call++)
        {
            float[] z = RandomFloats(rng, rows * classes, 5f);
            int[] y = RandomInts(rng, rows, classes);
            float gradScale = 1f / BatchWeight(weights, y);
            var logits = Place(z, offset: 3);
            var grad = aliasGradient ? logits : Poisoned(rows * classes, offset: 2);
            Backend.SoftmaxCrossEntropy(logits, Place(y, offset: 2), rows, classes, grad, gradScale, stats, Place(weights, offset: 1));

            double[] wantGrad = new double[rows * classes];
            ReferenceOps.SoftmaxCrossEntropy(ToDouble(z), y, rows, classes, wantGrad, gradScale, wantStats, ToDouble(weights));
            AssertClose(Read(grad, rows * classes), wantGrad, $"call {call} gradLogits");
        }
        AssertClose(Read(stats, 2 * rows), wantStats, "stats");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(129)]
    public void SigmoidBinaryCrossEntropy_WithClassWeights_MatchesReference(int rows)
    {
        var rng = Rng(24, rows);
        float[] weights = RandomWeights(rng, 2);
        float[] z = RandomFloats(rng, rows, 8f);
        int[] y = RandomInts(rng, rows, 2);
        float gradScale = 1f / BatchWeight(weights, y);
        var stats = Place(new float[2 * rows], offset: 2);
        var grad = Poisoned(rows, offset: 1);
        Backend.SigmoidBinaryCrossEntropy(Place(z, offset: 1), Place(y, offset: 3), rows, grad, gradScale, stats, Place(weights, offset: 2));

        double[] wantStats = new double[2 * rows], wantGrad = new double[rows];
        ReferenceOps.SigmoidBinaryCrossEntropy(ToDouble(z), y, rows, wantGrad, gradScale, wantStats, ToDouble(weights));
        AssertClose(Read(stats, 2 * rows), wantStats, "stats");
        AssertClose(Read(grad, rows), wantGrad, "gradLogits");
    }

    /// <summary>With weights of 1 the loss ops give what they give without weights, bit for bit: one op per head serves both, and class-weight none changes nothing.</summary>
    [Fact]
    public void Unit_weights_give_exactly_the_unweighted_losses_and_gradients()
    {
        const int rows = 33, classes = 5;
        var rng = Rng(25);
        float[] z = RandomFloats(rng, rows * classes, 5f), zb = RandomFloats(rng, rows, 8f);
        int[] y = RandomInts(rng, rows, classes), yb = RandomInts(rng, rows, 2);
        var ones = Place(Enumerable.Repeat(1f, classes).ToArray());
        var (plainStats, weightedStats) = (Place(new float[2 * rows]), Place(new float[2 * rows]));
        var (plainGrad, weightedGrad) = (Poisoned(rows * classes), Poisoned(rows * classes));
        Backend.SoftmaxCrossEntropy(Place(z), Place(y), rows, classes, plainGrad, 1f / rows, plainStats);
        Backend.SoftmaxCrossEntropy(Place(z), Place(y), rows, classes, weightedGrad, 1f / rows, weightedStats, ones);
        Assert.Equal(Read(plainGrad, rows * classes), Read(weightedGrad, rows * classes));
        Assert.Equal(Read(plainStats, 2 * rows), Read(weightedStats, 2 * rows));

        var (plainBce, weightedBce) = (Place(new float[2 * rows]), Place(new float[2 * rows]));
        var (plainBceGrad, weightedBceGrad) = (Poisoned(rows), Poisoned(rows));
        Backend.SigmoidBinaryCrossEntropy(Place(zb), Place(yb), rows, plainBceGrad, 1f / rows, plainBce);
        Backend.SigmoidBinaryCrossEntropy(Place(zb), Place(yb), rows, weightedBceGrad, 1f / rows, weightedBce, ones);
        Assert.Equal(Read(plainBceGrad, rows), Read(weightedBceGrad, rows));
        Assert.Equal(Read(plainBce, 2 * rows), Read(weightedBce, 2 * rows));
    }

    /// <summary>
    /// The gradient the backend writes for gradScale = 1/Σw is the derivative of the weighted mean loss
    /// Σ w[y_r]·l_r / Σ w[y_r]: centred finite differences of the float64 reference loss, logit by logit.
    /// </summary>
    [Fact]
    public void SoftmaxCrossEntropy_WithClassWeights_gradient_is_the_derivative_of_the_weighted_mean()
    {
        const int rows = 6, classes = 4;
        var rng = Rng(26);
        float[] weights = RandomWeights(rng, classes);
        float[] z = RandomFloats(rng, rows * classes, 3f);
        int[] y = [0, 1, 2, 3, 3, 1];
        double batchWeight = BatchWeight(weights, y);
        var grad = Poisoned(rows * classes);
        Backend.SoftmaxCrossEntropy(Place(z), Place(y), rows, classes, grad, (float)(1 / batchWeight), Place(new float[2 * rows]), Place(weights));
        float[] got = Read(grad, rows * classes);

        double WeightedMean(double[] logits)
        {
            var stats = new double[2 * rows];
            ReferenceOps.SoftmaxCrossEntropy(logits, y, rows, classes, null, 0, stats, ToDouble(weights));
            return Enumerable.Range(0, rows).Sum(r => stats[2 * r]) / batchWeight;
        }
        const double h = 1e-5;
        for (int i = 0; i < z.Length; i++)
        {
            double[] up = ToDouble(z), down = ToDouble(z);
            up[i] += h;
            down[i] -= h;
            double numeric = (WeightedMean(up) - WeightedMean(down)) / (2 * h);
            Assert.True(Math.Abs(got[i] - numeric) <= 1e-5 + 1e-3 * Math.Abs(numeric), $"logit {i}: analytic {got[i]}, numeric {numeric}");
        }
    }

    /// <summary>Weights in [0.25, 4): the spread class weights have on an imbalanced set.</summary>
    private static float[] RandomWeights(Random rng, int classes) =>
        Enumerable.Range(0, classes).Select(_ => (float)Math.Pow(2, rng.NextDouble() * 4 - 2)).ToArray();

    /// <summary>Σ_r w[y_r] in row order, as a caller sums it on the host.</summary>
    private static float BatchWeight(float[] weights, int[] labels)
    {
        float sum = 0;
        foreach (int label in labels) sum += weights[label];
        return sum;
    }
}
