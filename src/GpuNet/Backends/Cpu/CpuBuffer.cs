namespace GpuNet.Backends.Cpu;

/// <summary>
/// A run of a managed array: <see cref="Offset"/> and <see cref="DeviceBuffer{T}.Length"/> pick the
/// elements. Slices share the array, so an op on a slice writes straight into its parent.
/// </summary>
public sealed class CpuBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    internal CpuBuffer(T[] array, int offset, int length) : base(length)
    {
        Array = array;
        Offset = offset;
    }

    public T[] Array { get; }

    public int Offset { get; }

    public Span<T> Span => Array.AsSpan(Offset, Length);

    public override DeviceBuffer<T> Slice(int offset, int length)
    {
        CheckSlice(offset, length);
        return new CpuBuffer<T>(Array, Offset + offset, length);
    }

    /// <summary>The first <paramref name="count"/> elements; throws when the buffer is shorter.</summary>
    internal Span<T> First(int count) => Span[..count];

    // The GC owns the array; slices and parents alike have nothing to release.
    public override void Dispose() { }
}
