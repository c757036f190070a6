using System.Numerics;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// The gathers of the cpu backend: batch rows converted from their stored type and scaled in one pass over
/// each row, in the arithmetic of <see cref="Kernels.GatherParams.Feature"/> (IEEE division per lane, so the
/// vector loops give the bits of the scalar rule). A dataset adopted here is the host's own array.
/// </summary>
public sealed partial class CpuBackend
{
    public DeviceBuffer<T> Adopt<T>(T[] values) where T : unmanaged => new CpuBuffer<T>(values, 0, values.Length);

    public void GatherRows(DeviceBuffer<float> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        GatherRows(source, cols, scaling, indices, indexOffset, rows, destination, CopyRow);

    public void GatherRows(DeviceBuffer<byte> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        GatherRows(source, cols, scaling, indices, indexOffset, rows, destination, Widen);

    /// <summary>How one stored row becomes float32 values, before scaling.</summary>
    private delegate void RowConversion<T>(ReadOnlySpan<T> source, Span<float> destination);

    /// <summary>Either stored type's row gather; the conversions are static methods, so their delegates are cached (no allocation per step).</summary>
    private static void GatherRows<T>(DeviceBuffer<T> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination,
        RowConversion<T> convert) where T : unmanaged
    {
        FeatureScaling.Check(scaling, cols);
        var from = Own(source).Span;
        var index = Own(indices).Span.Slice(indexOffset, rows);
        var to = Own(destination).First(rows * cols);
        for (int r = 0; r < rows; r++)
        {
            var row = to.Slice(r * cols, cols);
            convert(from.Slice(index[r] * cols, cols), row);
            Scale(row, scaling);
        }
    }

    private static void CopyRow(ReadOnlySpan<float> source, Span<float> destination) => source.CopyTo(destination);

    public void GatherLabels(DeviceLabels source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination)
    {
        var from = Own(source.Stored).Span;
        var index = Own(indices).Span.Slice(indexOffset, count);
        var to = Own(destination).First(count);
        for (int i = 0; i < count; i++)
            to[i] = Kernels.StoredLabels.Read(from, index[i], source.Width);
    }

    /// <summary>destination[i] = (float)source[i], a vector of bytes at a time.</summary>
    private static void Widen(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int floats = Vector<float>.Count;
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(source[i..]), out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(high, out Vector<uint> c, out Vector<uint> d);
                Vector.ConvertToSingle(a).CopyTo(destination[i..]);
                Vector.ConvertToSingle(b).CopyTo(destination[(i + floats)..]);
                Vector.ConvertToSingle(c).CopyTo(destination[(i + 2 * floats)..]);
                Vector.ConvertToSingle(d).CopyTo(destination[(i + 3 * floats)..]);
            }
        }
        for (; i < source.Length; i++) destination[i] = source[i];
    }

    /// <summary>row[c] = row[c] / Divisor, then (row[c] − Mean[c]) / Scale[c] when standardising; nothing for null scaling.</summary>
    private static void Scale(Span<float> row, FeatureScaling? scaling)
    {
        if (scaling is null) return;
        if (scaling.Divisor != 1f) Divide(row, scaling.Divisor); // x / 1 is x: skip the pass
        if (scaling.Mean is { } mean) Standardize(row, Own(mean).Span, Own(scaling.Scale!).Span);
    }

    private static void Divide(Span<float> row, float divisor)
    {
        int i = 0;
        var d = new Vector<float>(divisor);
        for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(row[i..]) / d).CopyTo(row[i..]);
        for (; i < row.Length; i++) row[i] /= divisor;
    }

    private static void Standardize(Span<float> row, ReadOnlySpan<float> mean, ReadOnlySpan<float> scale)
    {
        int i = 0;
        for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
            ((new Vector<float>(row[i..]) - new Vector<float>(mean[i..])) / new Vector<float>(scale[i..])).CopyTo(row[i..]);
        for (; i < row.Length; i++) row[i] = (row[i] - mean[i]) / scale[i];
    }
}
