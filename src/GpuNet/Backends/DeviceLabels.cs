namespace GpuNet.Backends;

/// <summary>
/// A set's labels on a device at their stored width (see <c>ClassLabels</c>): <see cref="Width"/> little-endian bytes per
/// label in <see cref="Stored"/>. The label gathers widen them into int32 minibatch labels, the only form the loss ops take.
/// Disposing disposes the buffer (a slice's dispose does nothing, as for any buffer slice).
/// </summary>
public sealed class DeviceLabels : IDisposable
{
    public DeviceLabels(DeviceBuffer<byte> stored, int width)
    {
        if (width is not (1 or 2 or 4))
            throw new ArgumentOutOfRangeException(nameof(width), width, "a stored label is 1, 2 or 4 bytes");
        if (stored.Length % width != 0)
            throw new ArgumentException($"{stored.Length} bytes are not whole labels of {width}", nameof(stored));
        Stored = stored;
        Width = width;
    }

    /// <summary>A new buffer on <paramref name="backend"/> holding a copy of <paramref name="stored"/> (labels of <paramref name="width"/> bytes each).</summary>
    public static DeviceLabels Upload(IBackend backend, ReadOnlySpan<byte> stored, int width)
    {
        var buffer = backend.Allocate<byte>(stored.Length);
        backend.Upload(stored, buffer);
        return new DeviceLabels(buffer, width);
    }

    public DeviceBuffer<byte> Stored { get; }
    /// <summary>Bytes per label: 1, 2 or 4.</summary>
    public int Width { get; }
    public int Count => Stored.Length / Width;

    /// <summary>Labels [<paramref name="start"/>, start + <paramref name="count"/>), sharing the storage.</summary>
    public DeviceLabels Slice(int start, int count) => new(Stored.Slice(start * Width, count * Width), Width);

    public void Dispose() => Stored.Dispose();
}
