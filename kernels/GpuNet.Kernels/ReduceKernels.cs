using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Reductions without atomics (atomics do not build on PoCL's patched path).</summary>
public static class ReduceKernels
{
    /// <summary>
    /// sums[c] = Σ_r x[r, c], one thread per column walking down its rows in a fixed order:
    /// deterministic, and neighbouring threads read neighbouring addresses on every row.
    /// </summary>
    public static void ColumnSums(Index1D index, ArrayView<float> x, ArrayView<float> sums, int rows, int cols)
    {
        int c = index.X;
        float acc = 0f;
        long offset = c;
        for (int r = 0; r < rows; r++)
        {
            acc += x[offset];
            offset += cols;
        }
        sums[c] = acc;
    }
}
