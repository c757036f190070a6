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
        int r = index.X / p.Cols;
        int c = index.X - r * p.Cols;
        destination[index.X] = p.Feature(source[(long)indices[p.IndexOffset + r] * p.Cols + c], c, mean, scale);
    }

    /// <summary><see cref="Rows"/> over byte features.</summary>
    public static void ByteRows(Index1D index, ArrayView<byte> source, ArrayView<int> indices, ArrayView<float> mean, ArrayView<float> scale,
        ArrayView<float> destination, GatherParams p)
    {
        int r = index.X / p.Cols;
        int c = index.X - r * p.Cols;
        destination[index.X] = p.Feature(source[(long)indices[p.IndexOffset + r] * p.Cols + c], c, mean, scale);
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
        int r = index.X / p.Cols;
        int c = index.X - r * p.Cols;
        int source = indices[p.IndexOffset + r];
        batchX[index.X] = p.Feature(features[(long)source * p.Cols + c], c, mean, scale);
        if (c == 0)
            batchY[r] = labels[source];
    }

    /// <summary><see cref="Batch"/> over byte features.</summary>
    public static void ByteBatch(Index1D index, ArrayView<byte> features, ArrayView<int> labels, ArrayView<int> indices,
        ArrayView<float> mean, ArrayView<float> scale, ArrayView<float> batchX, ArrayView<int> batchY, GatherParams p)
    {
        int r = index.X / p.Cols;
        int c = index.X - r * p.Cols;
        int source = indices[p.IndexOffset + r];
        batchX[index.X] = p.Feature(features[(long)source * p.Cols + c], c, mean, scale);
        if (c == 0)
            batchY[r] = labels[source];
    }
}
