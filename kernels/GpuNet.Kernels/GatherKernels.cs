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

    /// <summary>destination[i] = source[indices[offset + i]].</summary>
    public static void Labels(Index1D index, ArrayView<int> source, ArrayView<int> indices,
        ArrayView<int> destination, int indexOffset)
    {
        int i = index.X;
        destination[i] = source[indices[indexOffset + i]];
    }

    /// <summary>
    /// A whole minibatch in one launch: <see cref="Rows"/> over [rows, cols] (cols ≥ 1), and the
    /// thread of column 0 of each row also copies that row's label.
    /// </summary>
    public static void Batch(Index1D index, ArrayView<float> features, ArrayView<int> labels, ArrayView<int> indices,
        ArrayView<float> mean, ArrayView<float> scale, ArrayView<float> batchX, ArrayView<int> batchY, GatherParams p)
    {
        var e = p.Locate(index.X, indices);
        batchX[index.X] = p.Feature(features[e.SourceOffset], e.Column, mean, scale);
        if (e.Column == 0)
            batchY[e.BatchRow] = labels[e.SourceRow];
    }

    /// <summary><see cref="Batch"/> over byte features.</summary>
    public static void ByteBatch(Index1D index, ArrayView<byte> features, ArrayView<int> labels, ArrayView<int> indices,
        ArrayView<float> mean, ArrayView<float> scale, ArrayView<float> batchX, ArrayView<int> batchY, GatherParams p)
    {
        var e = p.Locate(index.X, indices);
        batchX[index.X] = p.Feature(features[e.SourceOffset], e.Column, mean, scale);
        if (e.Column == 0)
            batchY[e.BatchRow] = labels[e.SourceRow];
    }
}
