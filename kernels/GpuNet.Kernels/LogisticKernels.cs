using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Scalars of the sigmoid + binary cross-entropy kernel.</summary>
public struct LogisticParams
{
    /// <summary>1 when the gradient view is real and must be written, 0 when it is a dummy.</summary>
    public int WriteGradient;
    public float GradScale;
    /// <summary>1 when the weights view holds the two class weights, 0 when it is a dummy (every row weighs 1).</summary>
    public int Weighted;
}

/// <summary>Fused sigmoid + binary cross-entropy for a single logit per row, one thread per row.</summary>
public static class LogisticKernels
{
    /// <summary>
    /// loss = max(z, 0) − z·y + log(1 + e^(−|z|)) (<see cref="LossTerms.BinaryCrossEntropy"/>).
    /// correct = [(z &gt; 0) == (y == 1)]. stats accumulate per row (+=): stats[2r] += w·loss; grad = scale·w·(σ(z) − y)
    /// may alias the logits (z is read first). With class weights w = weights[y_r] (y in {0, 1}; any other label has
    /// no weight: NaN, as its loss is), else 1.
    /// </summary>
    public static void SigmoidBce(Index1D index, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> weights,
        ArrayView<float> grad, ArrayView<float> stats, LogisticParams p) =>
        SigmoidBceRow(index.X, p.Weighted != 0 ? SoftmaxKernels.RowWeight(weights, labels[index.X], 2) : 1f, logits, labels, grad, stats, p);

    /// <summary>One row with its weight (<see cref="LossTerms"/>); a weight of 1 gives exactly the unweighted values.</summary>
    private static void SigmoidBceRow(int r, float weight, ArrayView<float> logits, ArrayView<int> labels,
        ArrayView<float> grad, ArrayView<float> stats, LogisticParams p)
    {
        float z = logits[r];
        int label = labels[r];
        stats[2 * r] = stats[2 * r] + weight * LossTerms.BinaryCrossEntropy(z, label);
        stats[2 * r + 1] = stats[2 * r + 1] + (LossTerms.BinaryCorrect(z, label) ? 1f : 0f);
        if (p.WriteGradient != 0)
            grad[r] = LossTerms.BinaryCrossEntropyGradient(z, label, p.GradScale * weight);
    }
}
