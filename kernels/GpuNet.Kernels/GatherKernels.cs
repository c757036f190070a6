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
}
