using Xunit;
using GpuNet.Backends;
using GpuNet.Kernels;
using GpuNet.Reference;

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
        Backend.SoftmaxCrossEntropy(Place(logits), Place(new[] { 0 }), 1, 3, gradLogits, 1f, stats);

        // dW[3 classes, 3 inputs] = gradLogitsᵀ[3, 1] · x[1, 3]
        var dW = Poisoned(9);
        Backend.Gemm(new GemmShape(TransA: true, TransB: false, M: 3, N: 3, K: 1), gradLogits, Place(x), dW);

        double[] want = [-0.8, -0.8, 0, 0.5, 0.5, 0, 0.3, 0.3, 0];
        AssertClose(Read(dW, 9), want, "dW");
        AssertClose(Read(stats, 2), [-Math.Log(0.2), 0], "stats (loss −ln 0.2, argmax is class 1)");
    }
}
