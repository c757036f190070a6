using GpuNet.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuNet.Backends.Ilgpu;

/// <summary>The minibatch gathers: rows (float or byte storage), labels, and both fused.</summary>
public sealed partial class IlgpuBackend
{
    public void GatherRows(DeviceBuffer<float> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        GatherRows(source, cols, scaling, indices, indexOffset, rows, destination, IlgpuKernels.GatherRows);

    public void GatherRows(DeviceBuffer<byte> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        GatherRows(source, cols, scaling, indices, indexOffset, rows, destination, IlgpuKernels.GatherByteRows);

    /// <summary>Either stored type's row gather: the same checks and launch, with the kernel compiled for that type.</summary>
    private void GatherRows<T>(DeviceBuffer<T> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination,
        Kernel<Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams>> kernel) where T : unmanaged
    {
        var (count, p) = Gather(cols, scaling, indexOffset, rows);
        var s = Own(source, nameof(source));
        var ix = Need(indices, (long)indexOffset + rows, nameof(indices));
        var d = Need(destination, count, nameof(destination));
        var (mean, scale) = Standardization(scaling);
        if (count > 0)
            Launch(kernel)(_stream, count, s.View, ix.View, mean, scale, d.View, p);
    }

    public void GatherLabels(DeviceLabels source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(indexOffset);
        var s = Own(source.Stored, nameof(source));
        var ix = Need(indices, (long)indexOffset + count, nameof(indices));
        var d = Need(destination, count, nameof(destination));
        if (count > 0)
            Launch(IlgpuKernels.GatherLabels)(_stream, count, s.View, ix.View, d.View, indexOffset, source.Width);
    }

    public void GatherBatch(DeviceBuffer<float> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY) =>
        GatherBatch(features, cols, scaling, labels, indices, indexOffset, rows, batchX, batchY, IlgpuKernels.GatherBatch);

    public void GatherBatch(DeviceBuffer<byte> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY) =>
        GatherBatch(features, cols, scaling, labels, indices, indexOffset, rows, batchX, batchY, IlgpuKernels.GatherByteBatch);

    /// <summary>Either stored type's fused batch gather: the same checks and launch, with the kernel compiled for that type.</summary>
    private void GatherBatch<T>(DeviceBuffer<T> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY,
        Kernel<Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams>> kernel) where T : unmanaged
    {
        if (cols == 0)
        {
            // No feature threads to carry the labels: gather them on their own.
            GatherLabels(labels, indices, indexOffset, rows, batchY);
            return;
        }
        var (count, p) = Gather(cols, scaling, indexOffset, rows);
        p.LabelWidth = labels.Width;
        var f = Own(features, nameof(features));
        var (l, ix, x, y) = BatchBuffers(labels, indices, indexOffset, rows, batchX, batchY, count);
        var (mean, scale) = Standardization(scaling);
        if (count > 0)
            Launch(kernel)(_stream, count, f.View, l.View, ix.View, mean, scale, x.View, y.View, p);
    }

    /// <summary>The launch size and kernel parameters of a gather, its sizes and scaling checked.</summary>
    private static (int Count, GatherParams Params) Gather(int cols, FeatureScaling? scaling, int indexOffset, int rows)
    {
        int count = Elements(rows, cols);
        ArgumentOutOfRangeException.ThrowIfNegative(indexOffset);
        FeatureScaling.Check(scaling, cols);
        return (count, new GatherParams
        {
            Cols = cols,
            IndexOffset = indexOffset,
            Divisor = scaling?.Divisor ?? 1f,
            Standardize = scaling?.Standardizes == true ? 1 : 0,
        });
    }

    /// <summary>The mean and scale views of a standardising gather, or the one-element stand-in the kernel will not read.</summary>
    private (ArrayView<float> Mean, ArrayView<float> Scale) Standardization(FeatureScaling? scaling) =>
        scaling?.Mean is { } mean
            ? (Own(mean, nameof(scaling)).View, Own(scaling.Scale!, nameof(scaling)).View)
            : (_dummy.View, _dummy.View);

    private (IlgpuBuffer<byte> Labels, IlgpuBuffer<int> Indices, IlgpuBuffer<float> BatchX, IlgpuBuffer<int> BatchY) BatchBuffers(
        DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> batchX, DeviceBuffer<int> batchY, int count) =>
        (Own(labels.Stored, nameof(labels)), Need(indices, (long)indexOffset + rows, nameof(indices)),
            Need(batchX, count, nameof(batchX)), Need(batchY, rows, nameof(batchY)));
}
