using ILGPU;
using ILGPU.Algorithms;

namespace GpuNet.Kernels;

/// <summary>Scalars of the fused softmax cross-entropy kernel.</summary>
public struct SoftmaxCrossEntropyParams
{
    public int Classes;
    /// <summary>1 when the gradient view is real and must be written, 0 when it is a dummy.</summary>
    public int WriteGradient;
    public float GradScale;
}

/// <summary>
/// Row-wise softmax kernels, one thread per row: rows are short (classes ≤ a few hundred)
/// and there are many of them, so a row loop needs no shared memory, barriers or atomics,
/// and the per-row loss/accuracy slots make the statistics deterministic.
/// </summary>
public static class SoftmaxKernels
{
    /// <summary>
    /// Per row: max and first argmax, log-sum-exp, loss = lse − z[y], accuracy, and optionally
    /// grad = scale·(p − onehot). stats[2r] and stats[2r+1] accumulate (+=). The gradient may
    /// alias the logits: each logit is read before its own gradient slot is written, and the
    /// label's logit is consumed before the gradient loop starts.
    /// </summary>
    public static void CrossEntropy(Index1D index, ArrayView<float> logits, ArrayView<int> labels,
        ArrayView<float> grad, ArrayView<float> stats, SoftmaxCrossEntropyParams p) =>
        CrossEntropyRow(index.X, 1f, logits, labels, grad, stats, p);

    /// <summary>
    /// <see cref="CrossEntropy"/> with class weights (PyTorch's CrossEntropyLoss(weight=)): row r counts with
    /// w = weights[y_r], so stats[2r] += w·loss and grad = scale·w·(p − onehot); the caller's scale is
    /// 1/Σ_r w[y_r], summed on the host in row order (no atomics). Accuracy stays unweighted.
    /// </summary>
    public static void WeightedCrossEntropy(Index1D index, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> weights,
        ArrayView<float> grad, ArrayView<float> stats, SoftmaxCrossEntropyParams p)
    {
        int label = labels[index.X];
        // An out-of-range label has no weight; NaN poisons the row as the unweighted kernel does.
        float weight = label >= 0 && label < p.Classes ? weights[label] : float.NaN;
        CrossEntropyRow(index.X, weight, logits, labels, grad, stats, p);
    }

    /// <summary>One row of the cross-entropy with the row's weight; a weight of 1 gives exactly the unweighted values.</summary>
    private static void CrossEntropyRow(int r, float weight, ArrayView<float> logits, ArrayView<int> labels,
        ArrayView<float> grad, ArrayView<float> stats, SoftmaxCrossEntropyParams p)
    {
        long rowBase = (long)r * p.Classes;

        // Strict '>' keeps the first maximum, as the contract's "first argmax" requires.
        float max = logits[rowBase];
        int argmax = 0;
        for (int c = 1; c < p.Classes; c++)
        {
            float z = logits[rowBase + c];
            if (z > max)
            {
                max = z;
                argmax = c;
            }
        }

        float sum = 0f;
        for (int c = 0; c < p.Classes; c++)
            sum += XMath.Exp(logits[rowBase + c] - max);

        int label = labels[r];
        bool validLabel = label >= 0 && label < p.Classes;
        // An out-of-range label cannot be read safely; it poisons the loss (NaN) so the
        // host sees it instead of a silent out-of-bounds read.
        float shiftedLabelLogit = validLabel ? logits[rowBase + label] - max : float.NaN;
        // loss = logsumexp(z) − z[y] = log(Σ e^(z−max)) − (z[y] − max): both terms are small,
        // so the difference keeps its precision better than (max + log sum) − z[y].
        float loss = XMath.Log(sum) - shiftedLabelLogit;

        stats[2 * r] = stats[2 * r] + weight * loss;
        stats[2 * r + 1] = stats[2 * r + 1] + (argmax == label ? 1f : 0f);

        if (p.WriteGradient != 0)
        {
            float invSum = 1f / sum;
            float scale = p.GradScale * weight;
            for (int c = 0; c < p.Classes; c++)
            {
                float prob = XMath.Exp(logits[rowBase + c] - max) * invSum;
                grad[rowBase + c] = scale * (c == label ? prob - 1f : prob);
            }
        }
    }

    /// <summary>Row-wise softmax probabilities; probabilities may alias logits (reads finish before writes).</summary>
    public static void Softmax(Index1D index, ArrayView<float> logits, ArrayView<float> probabilities, int classes)
    {
        int r = index.X;
        long rowBase = (long)r * classes;

        float max = logits[rowBase];
        for (int c = 1; c < classes; c++)
        {
            float z = logits[rowBase + c];
            max = z > max ? z : max;
        }

        float sum = 0f;
        for (int c = 0; c < classes; c++)
            sum += XMath.Exp(logits[rowBase + c] - max);

        float invSum = 1f / sum;
        for (int c = 0; c < classes; c++)
            probabilities[rowBase + c] = XMath.Exp(logits[rowBase + c] - max) * invSum;
    }
}
