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
        ArrayView<float> grad, ArrayView<float> stats, LogisticParams p)
    {
        int r = index.X;
        int label = labels[r];
        float weight = p.Weighted != 0 ? SoftmaxKernels.RowWeight(weights, label, 2) : 1f;
        SigmoidBceRow(logits[r], label, weight, grad, r, stats, 2L * r, p);
    }

    /// <summary>
    /// One row with its weight (<see cref="LossTerms"/>; a weight of 1 gives exactly the unweighted values): loss and
    /// correctness added into stats[stat] and stats[stat + 1], the gradient written at grad[gradient]. A model's row alone
    /// and a pack member's (<see cref="PackKernels.Loss"/>) both go through here.
    /// </summary>
    internal static void SigmoidBceRow(float z, int label, float weight, ArrayView<float> grad, long gradient, ArrayView<float> stats, long stat, LogisticParams p)
    {
        stats[stat] = stats[stat] + weight * LossTerms.BinaryCrossEntropy(z, label);
        stats[stat + 1] = stats[stat + 1] + (LossTerms.BinaryCorrect(z, label) ? 1f : 0f);
        if (p.WriteGradient != 0)
            grad[gradient] = LossTerms.BinaryCrossEntropyGradient(z, label, p.GradScale * weight);
    }
}
