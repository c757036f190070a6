using ILGPU.Runtime;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// An <see cref="UploadLane{T}"/> on an ILGPU accelerator: pinned host staging (page-locked on CUDA, so the driver
/// can copy from it without staging it again) and a stream of its own, so the copy engine moves the data while
/// kernels run on the backend's stream. ILGPU 1.5.3 has no event one stream can wait on, so <see cref="Start"/>
/// orders the copy after earlier ops by waiting for them on the host: one drain per upload, and the kernels queued
/// after it overlap the copy. On ILGPU's CPU accelerator the copy is a memory copy done before Start returns, and
/// OpenCL's non-blocking write is finished by <see cref="Wait"/>.
/// </summary>
internal sealed class IlgpuUploadLane<T> : UploadLane<T> where T : unmanaged
{
    private readonly IlgpuBackend _backend;
    private readonly T[] _host;
    private readonly PageLockScope<T>? _pageLock;
    private readonly AcceleratorStream _copies;
    private bool _inFlight;

    internal IlgpuUploadLane(IlgpuBackend backend, Accelerator accelerator, int capacity)
    {
        _backend = backend;
        _host = GC.AllocateArray<T>(capacity, pinned: true); // never moved by the GC while a copy reads it
        // ILGPU page-locks host memory only for CUDA; elsewhere it hands back a scope that does nothing (and traces a warning).
        if (accelerator.AcceleratorType == AcceleratorType.Cuda && capacity > 0) _pageLock = accelerator.CreatePageLockFromPinned(_host);
        _copies = accelerator.CreateStream();
    }

    public override Span<T> Host => _host;

    public override void Start(DeviceBuffer<T> destination, int count)
    {
        CheckStart(destination, count);
        var view = _backend.Own(destination, nameof(destination)).View;
        Wait();
        _backend.Synchronize(); // ops queued before may still read the destination
        if (count == 0) return;
        // The staging is pinned for the lane's life, so the copy may outlive this call (it does on CUDA and OpenCL).
        view.SubView(0, count).CopyFromCPUUnsafeAsync(_copies, ref _host[0], count);
        _inFlight = true;
    }

    public override void Wait()
    {
        if (!_inFlight) return;
        _copies.Synchronize();
        _inFlight = false;
    }

    public override void Dispose()
    {
        Wait();
        _copies.Dispose();
        _pageLock?.Dispose();
    }
}
