using ILGPU;
using ILGPU.Algorithms;

namespace GpuNet.Kernels;

/// <summary>Scalars of the sigmoid + binary cross-entropy kernel.</summary>
public struct LogisticParams
{
    /// <summary>1 when the gradient view is real and must be written, 0 when it is a dummy.</summary>
    public int WriteGradient;
    public float GradScale;
}

/// <summary>Fused sigmoid + binary cross-entropy for a single logit per row, one thread per row.</summary>
public static class LogisticKernels
{
    /// <summary>
    /// loss = max(z, 0) − z·y + log(1 + e^(−|z|)): never overflows and never takes log(0).
    /// correct = [(z &gt; 0) == (y == 1)]. stats accumulate per row (+=); grad = scale·(σ(z) − y)
    /// may alias the logits (z is read first).
    /// </summary>
    public static void SigmoidBce(Index1D index, ArrayView<float> logits, ArrayView<int> labels,
        ArrayView<float> grad, ArrayView<float> stats, LogisticParams p) =>
        SigmoidBceRow(index.X, 1f, logits, labels, grad, stats, p);

    /// <summary>
    /// <see cref="SigmoidBce"/> with class weights: row r counts with w = weights[y_r] (y in {0, 1}; any other
    /// label counts as class 0, as the unweighted kernel reads it), stats[2r] += w·loss, grad = scale·w·(σ(z) − y).
    /// </summary>
    public static void WeightedSigmoidBce(Index1D index, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> weights,
        ArrayView<float> grad, ArrayView<float> stats, LogisticParams p) =>
        SigmoidBceRow(index.X, weights[labels[index.X] == 1 ? 1 : 0], logits, labels, grad, stats, p);

    /// <summary>One row with its weight; a weight of 1 gives exactly the unweighted values.</summary>
    private static void SigmoidBceRow(int r, float weight, ArrayView<float> logits, ArrayView<int> labels,
        ArrayView<float> grad, ArrayView<float> stats, LogisticParams p)
    {
        float z = logits[r];
        float y = labels[r] == 1 ? 1f : 0f;

        float e = XMath.Exp(-XMath.Abs(z));
        float loss = (z > 0f ? z : 0f) - z * y + XMath.Log(1f + e);
        bool correct = (z > 0f) == (labels[r] == 1);

        stats[2 * r] = stats[2 * r] + weight * loss;
        stats[2 * r + 1] = stats[2 * r + 1] + (correct ? 1f : 0f);

        if (p.WriteGradient != 0)
        {
            // σ(z) from the same e = e^(−|z|) ∈ (0, 1]: no overflow on either side.
            float sigma = z >= 0f ? 1f / (1f + e) : e / (1f + e);
            grad[r] = p.GradScale * weight * (sigma - y);
        }
    }
}
