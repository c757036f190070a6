namespace GpuNet.Backends;

/// <summary>
/// Host staging of <see cref="Capacity"/> elements and a copy queue of its own, opened by
/// <see cref="IBackend.OpenUploadLane{T}"/>, so an upload can overlap the ops around it on a device
/// that copies while it computes. The caller fills <see cref="Host"/>, calls <see cref="Start"/>,
/// queues other work, and calls <see cref="Wait"/> before the first op that reads the destination.
/// The staging belongs to the lane (rather than being any span the caller has) because a device can
/// only copy asynchronously from host memory that stays put: pinned, and page-locked where it can be.
/// </summary>
public abstract class UploadLane<T> : IDisposable where T : unmanaged
{
    /// <summary>Elements the staging holds: the most one upload copies.</summary>
    public int Capacity => Host.Length;

    /// <summary>The staging the next upload copies from. Written by the caller, from any one thread, while no upload is in flight.</summary>
    public abstract Span<T> Host { get; }

    /// <summary>
    /// Starts copying Host[0, count) into destination[0, count), ordered after every op queued on the backend
    /// before the call (they may still be reading the destination); it waits for an upload of this lane still in
    /// flight first. Until <see cref="Wait"/> returns, <see cref="Host"/> must not be written and no op may read or
    /// write the destination: what such an op sees is undefined (on a backend that copies synchronously it happens
    /// to be the new values; nothing may rely on that).
    /// </summary>
    public abstract void Start(DeviceBuffer<T> destination, int count);

    /// <summary>
    /// The host waits until the upload started last has landed; ops queued after this see the uploaded values.
    /// Does nothing when none is in flight.
    /// </summary>
    public abstract void Wait();

    public abstract void Dispose();

    /// <summary>The checks every lane makes before it starts an upload.</summary>
    protected void CheckStart(DeviceBuffer<T> destination, int count)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if ((uint)count > (uint)Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"an upload of {count} elements from a lane of {Capacity}");
        if (count > destination.Length)
            throw new ArgumentException($"an upload of {count} elements into a buffer of {destination.Length}", nameof(destination));
    }
}

/// <summary>
/// The lane of a backend without a copy queue of its own: <see cref="Start"/> is the backend's
/// <see cref="IBackend.Upload{T}"/>, which has copied the values when it returns, so there is never
/// anything to wait for (on <c>cpu</c> that is a plain memory copy).
/// </summary>
public sealed class SynchronousUploadLane<T>(IBackend backend, int capacity) : UploadLane<T> where T : unmanaged
{
    private readonly T[] _host = new T[capacity];

    public override Span<T> Host => _host;

    public override void Start(DeviceBuffer<T> destination, int count)
    {
        CheckStart(destination, count);
        backend.Upload<T>(_host.AsSpan(0, count), destination);
    }

    public override void Wait()
    {
    }

    public override void Dispose()
    {
    }
}
