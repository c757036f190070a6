using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        _floatGather.Run(Own(source), cols, scaling, Own(indices), indexOffset, rows, Own(destination));

    public void GatherRows(DeviceBuffer<byte> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        _byteGather.Run(Own(source), cols, scaling, Own(indices), indexOffset, rows, Own(destination));

    /// <summary>Batch rows [start, start + count) of a gather: each converted, divided and standardised in place.</summary>
    internal static void GatherRows<T>(ReadOnlySpan<T> from, int cols, FeatureScaling? scaling, ReadOnlySpan<int> index, Span<float> to, RowConversion<T> convert) where T : unmanaged
    {
        for (int r = 0; r < index.Length; r++)
        {
            var row = to.Slice(r * cols, cols);
            convert(from.Slice(index[r] * cols, cols), row, scaling?.Divisor ?? 1f);
            if (scaling?.Mean is { } mean) Standardize(row, Own(mean).Span, Own(scaling.Scale!).Span);
        }
    }

    internal static void CopyRow(ReadOnlySpan<float> source, Span<float> destination, float divisor)
    {
        source.CopyTo(destination);
        if (divisor != 1f) Divide(destination, divisor); // x / 1 is x: skip the pass
    }

    public void GatherLabels(DeviceLabels source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination)
    {
        var from = Own(source.Stored).Span;
        var index = Own(indices).Span.Slice(indexOffset, count);
        var to = Own(destination).First(count);
        for (int i = 0; i < count; i++)
            to[i] = Kernels.StoredLabels.Read(from, index[i], source.Width);
    }

    /// <summary>
    /// destination[i] = (float)source[i] / divisor in one pass, 64 bytes at a time: each widened to int32 (exact below 256)
    /// and converted with the signed conversion, which every x64 vector ISA has (unsigned needs AVX-512 or an emulation);
    /// the last vector overlaps the one before it rather than leaving a scalar tail. Vector512 runs as two 256-bit halves
    /// on AVX2 machines. It replaced a widen pass plus a divide pass, with the same bits; the timings of both, and the
    /// profile command that shows the gather's share of a step, are in perf/RESULTS.md (issue 16, round 4, item 1).
    /// </summary>
    internal static void WidenAndDivide(ReadOnlySpan<byte> source, Span<float> destination, float divisor)
    {
        int n = source.Length, width = Vector512<byte>.Count, floats = Vector512<float>.Count;
        if (n < width)
        {
            for (int i = 0; i < n; i++) destination[i] = source[i] / divisor;
            return;
        }
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref float to = ref MemoryMarshal.GetReference(destination[..n]);
        for (int i = 0; ; i = Math.Min(i + width, n - width))
        {
            var (low, high) = Vector512.Widen(Vector512.LoadUnsafe(ref from, (nuint)i));
            var (a, b) = Vector512.Widen(low);
            var (c, d) = Vector512.Widen(high);
            Store(a, ref to, i, divisor);
            Store(b, ref to, i + floats, divisor);
            Store(c, ref to, i + 2 * floats, divisor);
            Store(d, ref to, i + 3 * floats, divisor);
            if (i == n - width) break;
        }
    }

    private static void Store(Vector512<uint> widened, ref float to, int offset, float divisor)
    {
        var values = Vector512.ConvertToSingle(widened.AsInt32());
        (divisor == 1f ? values : values / Vector512.Create(divisor)).StoreUnsafe(ref to, (nuint)offset); // x / 1 is x
    }

    private static void Divide(Span<float> row, float divisor)
    {
        int i = 0;
        var d = new Vector<float>(divisor);
        for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(row[i..]) / d).CopyTo(row[i..]);
        for (; i < row.Length; i++) row[i] /= divisor;
    }

    /// <summary>row[c] = (row[c] − Mean[c]) / Scale[c].</summary>
    private static void Standardize(Span<float> row, ReadOnlySpan<float> mean, ReadOnlySpan<float> scale)
    {
        int i = 0;
        for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
            ((new Vector<float>(row[i..]) - new Vector<float>(mean[i..])) / new Vector<float>(scale[i..])).CopyTo(row[i..]);
        for (; i < row.Length; i++) row[i] = (row[i] - mean[i]) / scale[i];
    }
}

/// <summary>How one stored row becomes float32 values divided by the divisor, before standardising.</summary>
internal delegate void RowConversion<T>(ReadOnlySpan<T> source, Span<float> destination, float divisor);

/// <summary>
/// One stored type's row gather, cut into two near-equal runs of batch rows when the batch is large enough to pay for
/// waking the second thread (each row is converted by one thread alone, so the bits do not depend on the split). The
/// conversion is a static method, so its delegate is made once; a step allocates nothing.
/// </summary>
internal sealed class ParallelGather<T>(CpuWorkers workers, RowConversion<T> convert) : IParallelWork where T : unmanaged
{
    // Below this many values (a 32-row batch of 784 bytes is 25,088) the wake-up costs more than the second thread saves.
    private const int MinParallelValues = 1 << 15;
    private CpuBuffer<T>? _source;
    private CpuBuffer<int>? _indices;
    private CpuBuffer<float>? _destination;
    private FeatureScaling? _scaling;
    private int _cols, _indexOffset, _rows, _chunk;

    public void Run(CpuBuffer<T> source, int cols, FeatureScaling? scaling, CpuBuffer<int> indices, int indexOffset, int rows, CpuBuffer<float> destination)
    {
        FeatureScaling.Check(scaling, cols);
        ArgumentOutOfRangeException.ThrowIfNegative(indexOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if ((long)indexOffset + rows > indices.Length) throw new ArgumentException($"{rows} indices from {indexOffset} in a buffer of {indices.Length}", nameof(indices));
        if ((long)rows * cols > destination.Length) throw new ArgumentException($"{rows}x{cols} values into a buffer of {destination.Length}", nameof(destination));
        (_source, _cols, _scaling, _indices, _indexOffset, _rows, _destination) = (source, cols, scaling, indices, indexOffset, rows, destination);
        try
        {
            int items = (long)rows * cols < MinParallelValues ? 1 : workers.Threads;
            _chunk = (rows + items - 1) / items; // items ≥ 1: a pool has at least the caller's thread
            workers.Run(this, items);
        }
        finally
        {
            (_source, _indices, _destination, _scaling) = (null, null, null, null); // hold no buffer between steps
        }
    }

    public void Execute(int item, int worker)
    {
        int start = item * _chunk, count = Math.Min(_chunk, _rows - start);
        if (count <= 0) return;
        CpuBackend.GatherRows(_source!.Span, _cols, _scaling, _indices!.Span.Slice(_indexOffset + start, count),
            _destination!.Span.Slice(start * _cols, count * _cols), convert);
    }
}
