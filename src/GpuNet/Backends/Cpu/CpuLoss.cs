using System.Runtime.Intrinsics;
using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// Softmax and the fused losses, one row at a time, with the kernels' own scalar math (<see cref="LossTerms"/>).
/// Each row reads all of its logits before it writes any gradient, which is what lets gradLogits alias logits.
/// A label out of range gives its row NaN, as on every device (IBackend's contract).
/// </summary>
internal static class CpuLoss
{
    // Rows of up to this many classes keep their exponentials on the stack.
    private const int MaxStackClasses = 1024;

    /// <param name="classWeights">Empty for the unweighted loss, else one weight per class (see IBackend.SoftmaxCrossEntropy).</param>
    public static void SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes,
        Span<float> gradLogits, bool writeGradient, float gradScale, Span<float> stats, ReadOnlySpan<float> classWeights = default)
    {
        for (int r = 0; r < rows; r++)
            SoftmaxRow(new SpanRow(logits.Slice(r * classes, classes)), labels[r], classes, classWeights, stats.Slice(2 * r, 2),
                writeGradient ? gradLogits.Slice(r * classes, classes) : default, 1, gradScale);
    }

    /// <param name="classWeights">Empty for the unweighted loss, else the weights of classes 0 and 1.</param>
    public static void SigmoidBinaryCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows,
        Span<float> gradLogits, bool writeGradient, float gradScale, Span<float> stats, ReadOnlySpan<float> classWeights = default)
    {
        for (int r = 0; r < rows; r++)
            BinaryRow(logits[r], labels[r], classWeights, stats.Slice(2 * r, 2), writeGradient ? gradLogits.Slice(r, 1) : default, gradScale);
    }

    /// <summary>
    /// One row's softmax cross-entropy: adds its weighted loss and correctness into stat[0] and stat[1] and, unless
    /// <paramref name="gradient"/> is empty, writes class c's gradient at gradient[c·gradStride]. Every row of the fused
    /// loss goes through here, a model's alone (stride 1) and a pack member's (feature-major, stride rows).
    /// </summary>
    public static void SoftmaxRow(SpanRow z, int label, int classes, ReadOnlySpan<float> classWeights, Span<float> stat, Span<float> gradient, int gradStride, float gradScale)
    {
        // A weight of 1 leaves every value exactly as the unweighted loss computes it.
        float weight = Weight(classWeights, label, classes);
        // LossTerms.Softmax's sum, keeping each e^(z − max) for the gradient: one exp per class instead of two, the same values.
        Span<float> exps = classes <= MaxStackClasses ? stackalloc float[classes] : new float[classes];
        int argmax = LossTerms.Argmax(z, classes);
        var terms = new SoftmaxRowTerms { Max = z[argmax], Argmax = argmax, Sum = 0f };
        for (int c = 0; c < classes; c++)
            terms.Sum += exps[c] = Exp(z[c] - terms.Max);
        stat[0] += weight * LossTerms.CrossEntropy(z, terms, label, classes);
        stat[1] += LossTerms.SoftmaxCorrect(terms, label) ? 1f : 0f;
        if (gradient.IsEmpty)
            return;
        float scale = gradScale * weight;
        for (int c = 0; c < classes; c++)
            gradient[c * gradStride] = LossTerms.CrossEntropyGradient(exps[c] / terms.Sum, c, label, classes, scale);
    }

    /// <summary>One row's sigmoid cross-entropy, as <see cref="SoftmaxRow"/> (the gradient, when wanted, is gradient[0]).</summary>
    public static void BinaryRow(float z, int label, ReadOnlySpan<float> classWeights, Span<float> stat, Span<float> gradient, float gradScale)
    {
        float weight = Weight(classWeights, label, 2);
        stat[0] += weight * LossTerms.BinaryCrossEntropy(z, label);
        stat[1] += LossTerms.BinaryCorrect(z, label) ? 1f : 0f;
        if (!gradient.IsEmpty)
            gradient[0] = LossTerms.BinaryCrossEntropyGradient(z, label, gradScale * weight);
    }

    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
        {
            var z = new SpanRow(logits.Slice(r * classes, classes));
            var p = probabilities.Slice(r * classes, classes);
            var terms = LossTerms.Softmax(z, classes);
            for (int c = 0; c < classes; c++)
                p[c] = LossTerms.Probability(terms, z[c]);
        }
    }

    /// <summary>
    /// The exponential of the cpu backend's softmax: .NET's vector e^x, one lane of it here, so a row alone and a
    /// pack's block of rows (<see cref="CpuSoftmaxBlock"/>) take the same function and the same bits.
    /// </summary>
    public static float Exp(float x) => Vector512.Exp(Vector512.Create(x)).ToScalar();

    /// <summary>1 without weights; else the label's weight, NaN for a label out of range (as the kernels).</summary>
    public static float Weight(ReadOnlySpan<float> classWeights, int label, int classes) =>
        classWeights.IsEmpty ? 1f : LossTerms.ValidLabel(label, classes) ? classWeights[label] : float.NaN;
}
