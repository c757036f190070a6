namespace GpuNet.Backends;

/// <summary>
/// A contiguous run of <typeparamref name="T"/> owned by one backend (a managed array for
/// <c>cpu</c>, device memory for ILGPU). Ops take buffers plus explicit sizes: a buffer may be
/// longer than the op needs (activation buffers are sized for the largest batch and reused
/// for a shorter last batch). A slice shares storage with its parent and is never disposed.
/// </summary>
public abstract class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    protected DeviceBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    public int Length { get; }

    /// <summary>A view of <paramref name="length"/> elements starting at <paramref name="offset"/>.</summary>
    public abstract DeviceBuffer<T> Slice(int offset, int length);

    public abstract void Dispose();

    protected void CheckSlice(int offset, int length)
    {
        if ((uint)offset > (uint)Length || (uint)length > (uint)(Length - offset))
            throw new ArgumentOutOfRangeException(nameof(offset), $"slice [{offset}, {offset + length}) outside a buffer of {Length}");
    }
}
