using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// Softmax cross-entropy of <see cref="Rows"/> rows at once for a pack member, whose logits are feature-major (class c of
/// row r at c·rows + r, so each class of the block is one vector): every lane computes exactly what
/// <see cref="CpuLoss.SoftmaxRow"/> computes for its row (the first argmax by strict &gt;, e^(z − max) by
/// <see cref="CpuLoss.Exp"/>'s function, the sum in class order, the same loss and gradient expressions), so a packed
/// member keeps its solo bits while a pack's loss runs a vector of rows per instruction.
/// </summary>
internal static class CpuSoftmaxBlock
{
    public static int Rows => Vector512<float>.Count;

    // Blocks of up to this many classes keep their exponentials on the stack.
    private const int MaxStackClasses = 256;

    /// <param name="z">The member's logits, [classes, rows].</param>
    /// <param name="gradient">The member's logit gradients, laid out as <paramref name="z"/>; empty for none.</param>
    /// <param name="stats">The batch's row slots: row r's loss at 2r, correct at 2r + 1.</param>
    public static void Run(ReadOnlySpan<float> z, Span<float> gradient, int rows, int first, int classes, ReadOnlySpan<int> labels,
        ReadOnlySpan<float> classWeights, Span<float> stats, float gradScale)
    {
        int lanes = Rows;
        ref float logits = ref MemoryMarshal.GetReference(z);
        var max = Vector512.LoadUnsafe(ref logits, (nuint)first);
        var argmax = Vector512<int>.Zero;
        for (int c = 1; c < classes; c++)
        {
            var v = Vector512.LoadUnsafe(ref logits, (nuint)(c * rows + first));
            var greater = Vector512.GreaterThan(v, max);
            max = Vector512.ConditionalSelect(greater, v, max);
            argmax = Vector512.ConditionalSelect(greater.AsInt32(), Vector512.Create(c), argmax);
        }
        Span<float> exps = classes <= MaxStackClasses ? stackalloc float[classes * lanes] : new float[classes * lanes];
        ref float e = ref MemoryMarshal.GetReference(exps);
        var sum = Vector512<float>.Zero;
        for (int c = 0; c < classes; c++)
        {
            var ec = Vector512.Exp(Vector512.LoadUnsafe(ref logits, (nuint)(c * rows + first)) - max);
            ec.StoreUnsafe(ref e, (nuint)(c * lanes));
            sum += ec;
        }
        Span<float> factor = stackalloc float[lanes];
        for (int l = 0; l < lanes; l++)
        {
            int r = first + l, rowLabel = labels[r];
            var terms = new SoftmaxRowTerms { Max = max[l], Argmax = argmax[l], Sum = sum[l] };
            float weight = CpuLoss.Weight(classWeights, rowLabel, classes);
            stats[2 * r] += weight * LossTerms.CrossEntropy(new SpanRow(z[r..], rows), terms, rowLabel, classes);
            stats[2 * r + 1] += LossTerms.SoftmaxCorrect(terms, rowLabel) ? 1f : 0f;
            // LossTerms.CrossEntropyGradient's factor: the scale, or NaN for a label out of range.
            factor[l] = LossTerms.ValidLabel(rowLabel, classes) ? gradScale * weight : float.NaN;
        }
        if (gradient.IsEmpty)
            return;
        var f = Vector512.Create((ReadOnlySpan<float>)factor);
        var label = Vector512.Create(labels.Slice(first, lanes));
        ref float g = ref MemoryMarshal.GetReference(gradient);
        for (int c = 0; c < classes; c++)
        {
            var p = Vector512.LoadUnsafe(ref e, (nuint)(c * lanes)) / sum;
            var onehot = Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(c)).AsSingle(), Vector512<float>.One, Vector512<float>.Zero);
            (f * (p - onehot)).StoreUnsafe(ref g, (nuint)(c * rows + first));
        }
    }
}
