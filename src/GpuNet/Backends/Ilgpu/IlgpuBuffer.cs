using ILGPU;
using ILGPU.Runtime;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// Device memory of one ILGPU accelerator. A root buffer owns a MemoryBuffer1D; a slice is
/// a SubView of its parent's view that shares the storage and owns nothing (disposing a
/// slice is a no-op, as <see cref="DeviceBuffer{T}"/> requires).
/// </summary>
public sealed class IlgpuBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    private MemoryBuffer1D<T, Stride1D.Dense>? _owned;

    internal IlgpuBuffer(Accelerator accelerator, int length) : base(length)
    {
        Accelerator = accelerator;
        // ILGPU rejects zero-length allocations on some accelerators; keep one spare element
        // and expose a view of the requested length.
        _owned = accelerator.Allocate1D<T>(Math.Max(length, 1));
        View = ((ArrayView<T>)_owned.View).SubView(0, length);
    }

    private IlgpuBuffer(Accelerator accelerator, ArrayView<T> view, int length) : base(length)
    {
        Accelerator = accelerator;
        View = view;
    }

    internal Accelerator Accelerator { get; }

    /// <summary>The elements of this buffer (or slice) as a kernel argument.</summary>
    internal ArrayView<T> View { get; }

    /// <summary>The owning MemoryBuffer for root buffers, null for slices.</summary>
    internal MemoryBuffer1D<T, Stride1D.Dense>? Owner => _owned;

    public override DeviceBuffer<T> Slice(int offset, int length)
    {
        CheckSlice(offset, length);
        return new IlgpuBuffer<T>(Accelerator, View.SubView(offset, length), length);
    }

    public override void Dispose()
    {
        _owned?.Dispose();
        _owned = null;
    }
}
