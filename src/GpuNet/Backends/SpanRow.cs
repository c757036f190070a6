using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>One row of host logits for <see cref="LossTerms"/>: the CPU backend's losses and the classifier's decision.</summary>
internal readonly ref struct SpanRow(ReadOnlySpan<float> z) : ILogitRow
{
    private readonly ReadOnlySpan<float> _z = z;

    public float this[int c] => _z[c];
}
