using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// Softmax and the fused losses, one row at a time, with the kernels' own scalar math (<see cref="LossTerms"/>).
/// Each row reads all of its logits before it writes any gradient, which is what lets gradLogits alias logits.
/// A label out of range gives its row NaN, as on every device (IBackend's contract).
/// </summary>
internal static class CpuLoss
{
    /// <param name="classWeights">Empty for the unweighted loss, else one weight per class (see IBackend.SoftmaxCrossEntropy).</param>
    public static void SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes,
        Span<float> gradLogits, bool writeGradient, float gradScale, Span<float> stats, ReadOnlySpan<float> classWeights = default)
    {
        for (int r = 0; r < rows; r++)
        {
            var z = new SpanRow(logits.Slice(r * classes, classes));
            int label = labels[r];
            // A weight of 1 leaves every value exactly as the unweighted loss computes it.
            float weight = Weight(classWeights, label, classes);
            var terms = LossTerms.Softmax(z, classes);
            stats[2 * r] += weight * LossTerms.CrossEntropy(z, terms, label, classes);
            stats[2 * r + 1] += LossTerms.SoftmaxCorrect(terms, label) ? 1f : 0f;
            if (!writeGradient)
                continue;
            var g = gradLogits.Slice(r * classes, classes);
            float scale = gradScale * weight;
            for (int c = 0; c < classes; c++)
                g[c] = LossTerms.CrossEntropyGradient(terms, z[c], c, label, classes, scale);
        }
    }

    /// <param name="classWeights">Empty for the unweighted loss, else the weights of classes 0 and 1.</param>
    public static void SigmoidBinaryCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows,
        Span<float> gradLogits, bool writeGradient, float gradScale, Span<float> stats, ReadOnlySpan<float> classWeights = default)
    {
        for (int r = 0; r < rows; r++)
        {
            float z = logits[r];
            int label = labels[r];
            float weight = Weight(classWeights, label, 2);
            stats[2 * r] += weight * LossTerms.BinaryCrossEntropy(z, label);
            stats[2 * r + 1] += LossTerms.BinaryCorrect(z, label) ? 1f : 0f;
            if (writeGradient)
                gradLogits[r] = LossTerms.BinaryCrossEntropyGradient(z, label, gradScale * weight);
        }
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

    /// <summary>1 without weights; else the label's weight, NaN for a label out of range (as the kernels).</summary>
    private static float Weight(ReadOnlySpan<float> classWeights, int label, int classes) =>
        classWeights.IsEmpty ? 1f : LossTerms.ValidLabel(label, classes) ? classWeights[label] : float.NaN;
}
