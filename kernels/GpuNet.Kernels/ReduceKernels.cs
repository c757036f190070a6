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

    /// <summary>Partial sums of squares <see cref="SquarePartials"/> writes at most: the length of the clipping workspace.</summary>
    public const int SquarePartialCount = 4096;

    /// <summary>
    /// partials[t] = Σ x[i]² over i = t, t + n, t + 2n, … below <paramref name="count"/>, launched with n threads
    /// (n = min(count, <see cref="SquarePartialCount"/>)): neighbouring threads read neighbouring elements (coalesced),
    /// and each thread's order is fixed by n alone, so the sum has the same bits every run, without atomics.
    /// </summary>
    public static void SquarePartials(Index1D index, ArrayView<float> x, ArrayView<float> partials, int count, int threads)
    {
        float acc = 0f;
        for (int i = index.X; i < count; i += threads)
            acc += x[i] * x[i];
        partials[index.X] = acc;
    }

    /// <summary>
    /// One thread: norm = √(Σ partials[t], t in order) and scale[0] = norm &gt; maxNorm ? maxNorm / (norm + 1e-6) : 1,
    /// PyTorch's clip_grad_norm_ factor, left on the device for the optimiser's update to read.
    /// </summary>
    public static void ClipScale(Index1D index, ArrayView<float> partials, ArrayView<float> scale, int partialCount, float maxNorm)
    {
        float sum = 0f;
        for (int t = 0; t < partialCount; t++)
            sum += partials[t];
        float norm = ILGPU.Algorithms.XMath.Sqrt(sum);
        scale[0] = norm > maxNorm ? maxNorm / (norm + 1e-6f) : 1f;
    }
}
