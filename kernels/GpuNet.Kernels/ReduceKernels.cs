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

    /// <summary>Threads per group of the two clipping reductions at most (a power of two; fewer where groups are smaller).</summary>
    public const int SumThreads = 256;

    /// <summary>Groups of <see cref="SquareSums"/> at most, so <see cref="ClipScale"/>'s one group reads few partial sums per thread.</summary>
    public const int SquareSumGroups = 1024;

    /// <summary>
    /// partials[g] = Σ x[i]² over the elements group g visits: launched with grid G and group w (a power of two,
    /// w ≤ <see cref="SumThreads"/>), thread j of group g sums i = g·w + j, + G·w, + 2G·w, … below
    /// <paramref name="count"/> (neighbouring threads read neighbouring elements: coalesced), then the group adds its w sums
    /// in a fixed tree (<see cref="GroupSum"/>). The order depends on G and w alone: the same bits every run, no atomics.
    /// </summary>
    public static void SquareSums(ArrayView<float> x, ArrayView<float> partials, int count)
    {
        var lanes = SharedMemory.Allocate<float>(SumThreads);
        int width = Group.DimX;
        long stride = (long)Grid.DimX * width;
        float acc = 0f;
        for (long i = (long)Grid.IdxX * width + Group.IdxX; i < count; i += stride)
            acc += x[i] * x[i];
        float sum = GroupSum(lanes, acc);
        if (Group.IdxX == 0)
            partials[Grid.IdxX] = sum;
    }

    /// <summary>
    /// One group: norm = √(Σ partials[t] for t &lt; <paramref name="partialCount"/>, lane j summing t = j, j + w, … and the
    /// lanes added in <see cref="GroupSum"/>'s tree), then scale[0] = norm &gt; maxNorm ? maxNorm / (norm + 1e-6) : 1,
    /// PyTorch's clip_grad_norm_ factor, left on the device for the optimiser's update to read.
    /// </summary>
    public static void ClipScale(ArrayView<float> partials, ArrayView<float> scale, int partialCount, float maxNorm)
    {
        var lanes = SharedMemory.Allocate<float>(SumThreads);
        float acc = 0f;
        for (int t = Group.IdxX; t < partialCount; t += Group.DimX)
            acc += partials[t];
        float sum = GroupSum(lanes, acc);
        if (Group.IdxX == 0)
            scale[0] = ClipFactor(sum, maxNorm);
    }

    /// <summary>clip_grad_norm_'s factor from Σ g²: maxNorm / (norm + 1e-6) when the norm exceeds maxNorm, else 1.</summary>
    internal static float ClipFactor(float sumOfSquares, float maxNorm)
    {
        float norm = ILGPU.Algorithms.XMath.Sqrt(sumOfSquares);
        return norm > maxNorm ? maxNorm / (norm + 1e-6f) : 1f;
    }

    /// <summary>
    /// The sum of every thread's <paramref name="value"/> in a group of a power-of-two width, valid in thread 0: a fixed
    /// tree (lane j adds lane j + h for h = w/2, w/4, …, 1), so its order depends on the width alone.
    /// </summary>
    internal static float GroupSum(ArrayView<float> lanes, float value)
    {
        int j = Group.IdxX;
        lanes[j] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half /= 2)
        {
            if (j < half)
                lanes[j] += lanes[j + half];
            Group.Barrier();
        }
        return lanes[0];
    }
}
