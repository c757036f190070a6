using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Reductions without atomics (atomics do not build on PoCL's patched path, and their order is not deterministic).</summary>
public static class ReduceKernels
{
    /// <summary>Columns per group at most: one warp's width, so a row's read by the group is coalesced.</summary>
    public const int Columns = 32;
    /// <summary>Row lanes per group at most: each column is summed by this many threads at once.</summary>
    public const int Lanes = 8;

    /// <summary>
    /// sums[c] = Σ_r x[r, c]. Launch with grid (ceil(cols / w)) and group (w, l), w ≤ 32, l ≤ 8
    /// (32 × 8 on a GPU; smaller where groups are smaller): thread (j, i) sums rows i, i + l,
    /// i + 2l, … of column w·g + j in order, then lane 0 adds the l partial sums in lane order.
    /// The order is fixed by the shape and group alone: the same bits every run. A bias
    /// gradient (a batch of rows, a few hundred columns at most) is one small launch; l lanes
    /// per column cut its serial chain l-fold against one thread per column.
    /// </summary>
    public static void ColumnSums(ArrayView<float> x, ArrayView<float> sums, int rows, int cols)
    {
        var partial = SharedMemory.Allocate<float>(Lanes * Columns);
        int width = Group.DimX;
        int lanes = Group.DimY;
        int j = Group.IdxX;
        int lane = Group.IdxY;
        int c = Grid.IdxX * width + j;
        float acc = 0f;
        if (c < cols)
        {
            for (int r = lane; r < rows; r += lanes)
                acc += x[r * cols + c];
        }
        partial[lane * width + j] = acc;
        Group.Barrier();
        if (lane == 0 && c < cols)
        {
            float sum = partial[j];
            for (int l = 1; l < lanes; l++)
                sum += partial[l * width + j];
            sums[c] = sum;
        }
    }
}
