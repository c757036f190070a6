namespace GpuNet.Backends.Cpu;

/// <summary>
/// Softmax and the fused losses, one row at a time. Each row reads all of its logits before it
/// writes any gradient, which is what lets gradLogits alias logits.
/// </summary>
internal static class CpuLoss
{
    /// <param name="classWeights">Empty for the unweighted loss, else one weight per class (see IBackend.WeightedSoftmaxCrossEntropy).</param>
    public static void SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes,
        Span<float> gradLogits, bool writeGradient, float gradScale, Span<float> stats, ReadOnlySpan<float> classWeights = default)
    {
        for (int r = 0; r < rows; r++)
        {
            var z = logits.Slice(r * classes, classes);
            int label = CheckLabel(labels[r], classes, r);
            // A weight of 1 leaves every value exactly as the unweighted loss computes it.
            float weight = classWeights.IsEmpty ? 1f : classWeights[label];
            (float max, int argmax, float sum) = RowSoftmaxTerms(z);
            stats[2 * r] += weight * (max + MathF.Log(sum) - z[label]);
            stats[2 * r + 1] += argmax == label ? 1f : 0f;
            if (!writeGradient)
                continue;
            var g = gradLogits.Slice(r * classes, classes);
            float scale = gradScale * weight;
            for (int c = 0; c < classes; c++)
                g[c] = scale * (MathF.Exp(z[c] - max) / sum - (c == label ? 1f : 0f));
        }
    }

    /// <param name="classWeights">Empty for the unweighted loss, else the weights of classes 0 and 1.</param>
    public static void SigmoidBinaryCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows,
        Span<float> gradLogits, bool writeGradient, float gradScale, Span<float> stats, ReadOnlySpan<float> classWeights = default)
    {
        for (int r = 0; r < rows; r++)
        {
            float z = logits[r];
            int label = CheckLabel(labels[r], 2, r);
            float weight = classWeights.IsEmpty ? 1f : classWeights[label];
            stats[2 * r] += weight * (MathF.Max(z, 0f) - z * label + MathF.Log(1f + MathF.Exp(-MathF.Abs(z))));
            stats[2 * r + 1] += (z > 0f) == (label == 1) ? 1f : 0f;
            if (writeGradient)
                gradLogits[r] = gradScale * weight * (CpuMath.Sigmoid(z) - label);
        }
    }

    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
        {
            var z = logits.Slice(r * classes, classes);
            var p = probabilities.Slice(r * classes, classes);
            (float max, _, float sum) = RowSoftmaxTerms(z);
            for (int c = 0; c < classes; c++)
                p[c] = MathF.Exp(z[c] - max) / sum;
        }
    }

    /// <summary>The row max (first index on ties) and Σ e^(z − max), summed in class order.</summary>
    private static (float Max, int Argmax, float Sum) RowSoftmaxTerms(ReadOnlySpan<float> z)
    {
        int argmax = 0;
        for (int c = 1; c < z.Length; c++)
            if (z[c] > z[argmax])
                argmax = c;
        float max = z[argmax];
        float sum = 0f;
        foreach (float v in z)
            sum += MathF.Exp(v - max);
        return (max, argmax, sum);
    }

    private static int CheckLabel(int label, int classes, int row) =>
        (uint)label < (uint)classes ? label
            : throw new ArgumentOutOfRangeException(nameof(label), $"row {row} has label {label}, outside [0, {classes})");
}
