using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Scalars of the fused softmax cross-entropy kernel.</summary>
public struct SoftmaxCrossEntropyParams
{
    public int Classes;
    /// <summary>1 when the gradient view is real and must be written, 0 when it is a dummy.</summary>
    public int WriteGradient;
    public float GradScale;
    /// <summary>1 when the weights view holds one weight per class, 0 when it is a dummy (every row weighs 1).</summary>
    public int Weighted;
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
    /// grad = scale·w·(p − onehot). stats[2r] and stats[2r+1] accumulate (+=). With class weights
    /// (PyTorch's CrossEntropyLoss(weight=)) row r counts with w = weights[y_r], so stats[2r] += w·loss; the
    /// caller's scale is then 1/Σ_r w[y_r], summed on the host in row order (no atomics); accuracy stays
    /// unweighted. Without them w = 1, which gives exactly the unweighted values. The gradient may
    /// alias the logits: each logit is read before its own gradient slot is written, and the
    /// label's logit is consumed before the gradient loop starts.
    /// </summary>
    public static void CrossEntropy(Index1D index, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> weights,
        ArrayView<float> grad, ArrayView<float> stats, SoftmaxCrossEntropyParams p)
    {
        int r = index.X;
        int label = labels[r];
        float weight = p.Weighted != 0 ? RowWeight(weights, label, p.Classes) : 1f;
        CrossEntropyRow(new ViewRow(logits, (long)r * p.Classes, 1), label, weight, grad, stats, 2L * r, p);
    }

    /// <summary>weights[label]; an out-of-range label has no weight to read, so its row's weight is NaN, as its loss is.</summary>
    internal static float RowWeight(ArrayView<float> weights, int label, int classes) =>
        LossTerms.ValidLabel(label, classes) ? weights[label] : float.NaN;

    /// <summary>
    /// One row of the cross-entropy with the row's weight (a weight of 1 gives exactly the unweighted values): its loss
    /// and correctness added into stats[stat] and stats[stat + 1], its gradient written where its logits are. A model's
    /// row alone and a pack member's feature-major row (<see cref="PackKernels.Loss"/>) both go through here.
    /// </summary>
    internal static void CrossEntropyRow(ViewRow z, int label, float weight, ArrayView<float> grad, ArrayView<float> stats, long stat,
        SoftmaxCrossEntropyParams p)
    {
        var terms = LossTerms.Softmax(z, p.Classes);
        stats[stat] = stats[stat] + weight * LossTerms.CrossEntropy(z, terms, label, p.Classes);
        stats[stat + 1] = stats[stat + 1] + (LossTerms.SoftmaxCorrect(terms, label) ? 1f : 0f);

        // The label's logit was read above, before any gradient slot is written.
        if (p.WriteGradient != 0)
            for (int c = 0; c < p.Classes; c++)
                grad[z.At(c)] = LossTerms.CrossEntropyGradient(terms, z[c], c, label, p.Classes, p.GradScale * weight);
    }

    /// <summary>Row-wise softmax probabilities; probabilities may alias logits (reads finish before writes).</summary>
    public static void Softmax(Index1D index, ArrayView<float> logits, ArrayView<float> probabilities, int classes)
    {
        var z = new ViewRow(logits, (long)index.X * classes, 1);
        var terms = LossTerms.Softmax(z, classes);
        for (int c = 0; c < classes; c++)
            probabilities[z.At(c)] = LossTerms.Probability(terms, z[c]);
    }
}

/// <summary>
/// One row of logits in a view, for <see cref="LossTerms"/>: logit c at first + c·stride (stride 1 for a [rows, classes]
/// matrix, the batch's rows for a pack's feature-major arena).
/// </summary>
internal readonly struct ViewRow(ArrayView<float> view, long first, long stride) : ILogitRow
{
    public long At(int c) => first + c * stride;
    public float this[int c] => view[At(c)];
}
