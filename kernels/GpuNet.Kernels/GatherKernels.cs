using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Mini-batch assembly on the device: rows and labels picked by a shuffled index array.</summary>
public static class GatherKernels
{
    /// <summary>destination[r, c] = source[indices[offset + r], c], one thread per destination element.</summary>
    public static void Rows(Index1D index, ArrayView<float> source, ArrayView<int> indices,
        ArrayView<float> destination, int cols, int indexOffset)
    {
        int flat = index.X;
        int r = flat / cols;
        int c = flat - r * cols;
        destination[flat] = source[(long)indices[indexOffset + r] * cols + c];
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
        ArrayView<float> batchX, ArrayView<int> batchY, int cols, int indexOffset)
    {
        int flat = index.X;
        int r = flat / cols;
        int c = flat - r * cols;
        int source = indices[indexOffset + r];
        batchX[flat] = features[(long)source * cols + c];
        if (c == 0)
            batchY[r] = labels[source];
    }
}
