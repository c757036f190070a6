using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>
/// One row of host logits for <see cref="LossTerms"/>: the CPU backend's losses and the classifier's decision. Class c
/// is element c·stride: 1 for a row-major row, the batch's row count for a pack's feature-major logits.
/// </summary>
internal readonly ref struct SpanRow(ReadOnlySpan<float> z, int stride = 1) : ILogitRow
{
    private readonly ReadOnlySpan<float> _z = z;
    private readonly int _stride = stride;

    public float this[int c] => _z[c * _stride];
}
