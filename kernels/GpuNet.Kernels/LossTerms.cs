namespace GpuNet.Kernels;

/// <summary>One row of logits, read by index: a view on the device, a span on the CPU backend.</summary>
public interface ILogitRow
{
    float this[int c] { get; }
}

/// <summary>The terms a softmax row is built from: its max, the first index of the max, and Σ e^(z − max).</summary>
public struct SoftmaxRowTerms
{
    public float Max;
    public int Argmax;
    public float Sum;
}

/// <summary>
/// The scalar math of the fused losses, written once: the ILGPU kernels (<see cref="SoftmaxKernels"/>,
/// <see cref="LogisticKernels"/>) and the CPU backend's loops call these same functions, so the two agree
/// operation for operation. MathF inside a kernel becomes the device's own function (ILGPU.Algorithms
/// maps it as it maps XMath). A label outside [0, classes) cannot be read safely and cannot throw on a
/// device: it gives the row a NaN loss and a NaN gradient and counts it as wrong (IBackend's contract).
/// </summary>
public static class LossTerms
{
    /// <summary>Row max (at <see cref="Argmax{TRow}"/>) and Σ e^(z − max), summed in class order.</summary>
    public static SoftmaxRowTerms Softmax<TRow>(TRow z, int classes) where TRow : ILogitRow, allows ref struct
    {
        int argmax = Argmax(z, classes);
        var t = new SoftmaxRowTerms { Max = z[argmax], Argmax = argmax, Sum = 0f };
        for (int c = 0; c < classes; c++)
            t.Sum += MathF.Exp(z[c] - t.Max);
        return t;
    }

    /// <summary>
    /// The first index of the largest logit: strict '&gt;', so ties go to the first, and a NaN never
    /// replaces an earlier value. Decided on logits, not probabilities: two logits that differ by less
    /// than the rounding of their probabilities still have one winner.
    /// </summary>
    public static int Argmax<TRow>(TRow z, int classes) where TRow : ILogitRow, allows ref struct
    {
        int best = 0;
        float max = z[0];
        for (int c = 1; c < classes; c++)
        {
            float v = z[c];
            if (v > max)
            {
                max = v;
                best = c;
            }
        }
        return best;
    }

    /// <summary>
    /// Logistic regression's class of logit z: 1 when z &gt; 0, else 0 (NaN included). This is σ(z) &gt; ½
    /// in exact arithmetic, but decided on z itself: for |z| below about 1e-7, σ(z) rounds to ½ in float32.
    /// </summary>
    public static int BinaryClass(float z) => z > 0f ? 1 : 0;

    /// <summary>
    /// The decision rule of every prediction (predict, eval, plots, and the accuracy the loss ops count):
    /// <see cref="BinaryClass"/> for a single output, <see cref="Argmax{TRow}"/> of the logits otherwise.
    /// </summary>
    public static int PredictedClass<TRow>(TRow z, int outputs) where TRow : ILogitRow, allows ref struct =>
        outputs == 1 ? BinaryClass(z[0]) : Argmax(z, outputs);

    /// <summary>p_c = e^(z_c − max) / Σ.</summary>
    public static float Probability(SoftmaxRowTerms t, float z) => MathF.Exp(z - t.Max) / t.Sum;

    /// <summary>
    /// loss = logsumexp(z) − z[y] = log(Σ e^(z−max)) − (z[y] − max): both terms are small, so the difference
    /// keeps its precision better than (max + log Σ) − z[y]. NaN for a label outside [0, classes).
    /// </summary>
    public static float CrossEntropy<TRow>(TRow z, SoftmaxRowTerms t, int label, int classes) where TRow : ILogitRow, allows ref struct =>
        MathF.Log(t.Sum) - (ValidLabel(label, classes) ? z[label] - t.Max : float.NaN);

    /// <summary>scale·(p_c − [c == y]); NaN for every class of a row whose label is out of range.</summary>
    public static float CrossEntropyGradient(SoftmaxRowTerms t, float z, int c, int label, int classes, float scale) =>
        CrossEntropyGradient(Probability(t, z), c, label, classes, scale);

    /// <summary>The same gradient from the class's probability <paramref name="p"/> (a caller that kept e^(z − max) computes it once).</summary>
    public static float CrossEntropyGradient(float p, int c, int label, int classes, float scale) =>
        (ValidLabel(label, classes) ? scale : float.NaN) * (p - (c == label ? 1f : 0f));

    /// <summary>Whether a row counts as correct: its first argmax is its (valid) label.</summary>
    public static bool SoftmaxCorrect(SoftmaxRowTerms t, int label) => t.Argmax == label;

    /// <summary>
    /// Binary cross-entropy on the logit: max(z, 0) − z·y + log(1 + e^(−|z|)), which never overflows and
    /// never takes log(0); y is 1 or 0 for the labels 1 and 0, NaN for any other label.
    /// </summary>
    public static float BinaryCrossEntropy(float z, int label) =>
        (z > 0f ? z : 0f) - z * BinaryTarget(label) + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));

    /// <summary>scale·(σ(z) − y), NaN for a label other than 0 and 1.</summary>
    public static float BinaryCrossEntropyGradient(float z, int label, float scale) =>
        scale * (ActivationKernels.Sigmoid(z) - BinaryTarget(label));

    /// <summary>A row counts as correct when its label is 0 or 1 and <see cref="BinaryClass"/> gives it.</summary>
    public static bool BinaryCorrect(float z, int label) => (label == 0 || label == 1) && BinaryClass(z) == label;

    /// <summary>y of the label: 1, 0, or NaN for a label outside {0, 1}.</summary>
    public static float BinaryTarget(int label) => label == 1 ? 1f : label == 0 ? 0f : float.NaN;

    /// <summary>Whether <paramref name="label"/> names one of <paramref name="classes"/> classes.</summary>
    public static bool ValidLabel(int label, int classes) => label >= 0 && label < classes;
}
