namespace GpuNet.Data;

/// <summary>
/// The one rule that turns a stored byte into a feature: b / divisor in float32 (255 for images, as PyTorch's ToTensor).
/// The gather kernels compute the same division, so a host copy made here matches a device batch bit for bit.
/// </summary>
public static class ByteFeatures
{
    public static float Value(byte stored, float divisor) => stored / divisor;

    /// <summary>destination[i] = <see cref="Value"/>(source[i]) over the whole source.</summary>
    public static void Convert(ReadOnlySpan<byte> source, Span<float> destination, float divisor)
    {
        for (int i = 0; i < source.Length; i++) destination[i] = Value(source[i], divisor);
    }
}
