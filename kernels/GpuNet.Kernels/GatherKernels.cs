using System.Buffers.Binary;
using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// How a gather turns a stored feature value x of column c into the float32 batch value:
/// x / <see cref="Divisor"/> (255 for image bytes, 1 otherwise), then, when <see cref="Standardize"/>
/// is set, (x' − mean[c]) / scale[c]. Both steps are IEEE divisions and subtractions in float32, the
/// arithmetic the host used to apply to a float copy, so the batch holds the same bits.
/// </summary>
public struct GatherParams
{
    public int Cols, IndexOffset, Standardize;
    /// <summary>Bytes per stored label (<see cref="StoredLabels"/>), for the fused batch gathers.</summary>
    public int LabelWidth;
    public float Divisor;

    public readonly float Feature(float stored, int c, ArrayView<float> mean, ArrayView<float> scale)
    {
        float v = stored / Divisor;
        return Standardize != 0 ? (v - mean[c]) / scale[c] : v;
    }

    /// <summary>Where destination element <paramref name="element"/> of a [rows, Cols] batch comes from, through the shuffled indices.</summary>
    public readonly GatherElement Locate(int element, ArrayView<int> indices)
    {
        int r = element / Cols;
        int c = element - r * Cols;
        int row = indices[IndexOffset + r];
        return new GatherElement(r, c, row, (long)row * Cols + c);
    }
}

/// <summary>
/// One destination element of a gather: its batch row and column, the dataset row it copies,
/// and that feature's offset in the row-major source. The float32 and byte kernels share it,
/// since an ILGPU kernel cannot be generic over the element type it converts.
/// </summary>
public readonly record struct GatherElement(int BatchRow, int Column, int SourceRow, long SourceOffset);

/// <summary>
/// Labels as a device holds them: each one <c>width</c> (1, 2 or 4) little-endian bytes in a byte view, the smallest
/// width that holds the set's classes, so one kernel serves every width and a uint8 label costs a byte of memory and
/// bandwidth, not four. Width 4 is a signed int32. The host's <c>ClassLabels</c> stores the same bytes and reads them
/// with the span twin, which the cpu backend's gather uses too.
/// </summary>
public static class StoredLabels
{
    public static int Read(ReadOnlySpan<byte> stored, int row, int width) => width switch
    {
        1 => stored[row],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(stored.Slice(row * 2, 2)),
        _ => BinaryPrimitives.ReadInt32LittleEndian(stored.Slice(row * 4, 4)),
    };

    /// <summary>Stores <paramref name="value"/> as label <paramref name="row"/> (the host side: readers, subsets).</summary>
    public static void Write(Span<byte> stored, int row, int width, int value)
    {
        switch (width)
        {
            case 1: stored[row] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(stored.Slice(row * 2, 2), (ushort)value); break;
            default: BinaryPrimitives.WriteInt32LittleEndian(stored.Slice(row * 4, 4), value); break;
        }
    }

    /// <summary>The device's read: byte loads assembled little-endian, as the span twin reads them.</summary>
    public static int Read(ArrayView<byte> stored, int row, int width)
    {
        long at = (long)row * width;
        int value = stored[at];
        if (width > 1) value |= stored[at + 1] << 8;
        if (width > 2) value |= (stored[at + 2] << 16) | (stored[at + 3] << 24);
        return value;
    }
}

/// <summary>
/// Mini-batch assembly on the device: rows and labels picked by a shuffled index array, features
/// converted from their stored type (float32 or bytes) and scaled as <see cref="GatherParams"/> says.
/// One thread per destination element; mean and scale are one-element stand-ins when not standardising.
/// </summary>
public static class GatherKernels
{
    /// <summary>destination[r, c] = scaled source[indices[offset + r], c] over float32 features.</summary>
    public static void Rows(Index1D index, ArrayView<float> source, ArrayView<int> indices, ArrayView<float> mean, ArrayView<float> scale,
        ArrayView<float> destination, GatherParams p)
    {
        var e = p.Locate(index.X, indices);
        destination[index.X] = p.Feature(source[e.SourceOffset], e.Column, mean, scale);
    }

    /// <summary><see cref="Rows"/> over byte features.</summary>
    public static void ByteRows(Index1D index, ArrayView<byte> source, ArrayView<int> indices, ArrayView<float> mean, ArrayView<float> scale,
        ArrayView<float> destination, GatherParams p)
    {
        var e = p.Locate(index.X, indices);
        destination[index.X] = p.Feature(source[e.SourceOffset], e.Column, mean, scale);
    }

    /// <summary>destination[i] = source[indices[offset + i]], widened from the stored labels into int32.</summary>
    public static void Labels(Index1D index, ArrayView<byte> source, ArrayView<int> indices,
        ArrayView<int> destination, int indexOffset, int width)
    {
        int i = index.X;
        destination[i] = StoredLabels.Read(source, indices[indexOffset + i], width);
    }

    /// <summary>
    /// A whole minibatch in one launch: <see cref="Rows"/> over [rows, cols] (cols ≥ 1), and the
    /// thread of column 0 of each row also copies that row's label.
    /// </summary>
    public static void Batch(Index1D index, ArrayView<float> features, ArrayView<byte> labels, ArrayView<int> indices,
        ArrayView<float> mean, ArrayView<float> scale, ArrayView<float> batchX, ArrayView<int> batchY, GatherParams p)
    {
        var e = p.Locate(index.X, indices);
        batchX[index.X] = p.Feature(features[e.SourceOffset], e.Column, mean, scale);
        if (e.Column == 0)
            batchY[e.BatchRow] = StoredLabels.Read(labels, e.SourceRow, p.LabelWidth);
    }

    /// <summary><see cref="Batch"/> over byte features.</summary>
    public static void ByteBatch(Index1D index, ArrayView<byte> features, ArrayView<byte> labels, ArrayView<int> indices,
        ArrayView<float> mean, ArrayView<float> scale, ArrayView<float> batchX, ArrayView<int> batchY, GatherParams p)
    {
        var e = p.Locate(index.X, indices);
        batchX[index.X] = p.Feature(features[e.SourceOffset], e.Column, mean, scale);
        if (e.Column == 0)
            batchY[e.BatchRow] = StoredLabels.Read(labels, e.SourceRow, p.LabelWidth);
    }
}
