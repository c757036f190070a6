using GpuNet.Kernels;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// How one GEMM is launched on an ILGPU device: the rung, the split-K factor, and the thread
/// groups that makes. A pure function of the shape, the selected rung and the number of groups
/// that fill the device (its multiprocessor count), so perf/gpu's report can show the launch
/// of every training shape without a GPU.
/// </summary>
public readonly record struct GemmPlan(GemmKernel Kernel, int Splits, int SplitDepth, long Groups, string? Shortfall)
{
    /// <summary>
    /// With K at most this, <see cref="GemmKernel.Auto"/> takes the naive kernel: one thread per
    /// output and no shared-memory staging, so B·M·N threads fill the device, where a tiled rung
    /// would launch a handful of groups that each stage two shallow tiles. (And with C a sliver of its blocks, see
    /// <see cref="NaiveMaxFill"/>.)
    /// </summary>
    public const int NaiveMaxDepth = 2 * GemmDoubleBuffered128.Depth;

    /// <summary>
    /// With C filling at most this share of its 128×128 blocks, <see cref="GemmKernel.Auto"/> takes the naive kernel too:
    /// a layer of 10 outputs (the logits) computes 10 of each block's 128 columns. On PoCL (2 cores) the naive kernel ran
    /// 32×10×256 in 0.036 ms against the 128 rung's 0.465 ms; 32×256×784, a quarter filled, stayed faster on the rung
    /// (1.44 against 1.77 ms; perf/RESULTS.md, "Fewer launches").
    /// </summary>
    public const double NaiveMaxFill = 1.0 / 8;

    /// <summary>The share of its 128×128 blocks that C fills.</summary>
    public static double Fill(in GemmShape shape) =>
        (double)shape.M * shape.N / (Tiles(shape, GemmDoubleBuffered128.Block) * (double)GemmDoubleBuffered128.Block * GemmDoubleBuffered128.Block);

    /// <summary>The least K one split multiplies: two stages, so each group still overlaps a load with the math.</summary>
    public const int MinSplitDepth = 2 * GemmDoubleBuffered128.Depth;

    /// <summary>
    /// The least multiply-adds one 128×128 block must do (its share of M times its share of N times K) before split-K
    /// may cut it: about 2 MFLOP, a few microseconds of one multiprocessor, as long as the reduction's own launch costs.
    /// Below it a split buys less than the launch it adds; a small GEMM stays one launch (a training step's launch count
    /// is the issue this answers: launch-bound steps, perf/RESULTS.md).
    /// </summary>
    public const long MinSplitWork = 1L << 20;

    /// <summary>Threads per group of the naive kernel (<see cref="IlgpuKernels.ElementwiseThreads"/>).</summary>
    private const int NaiveThreads = IlgpuKernels.ElementwiseThreads;

    /// <summary>
    /// The launch of <paramref name="shape"/> on <paramref name="rung"/> for a device that <paramref name="targetGroups"/>
    /// groups fill; split-K only where a block does at least <paramref name="minSplitWork"/> multiply-adds.
    /// </summary>
    public static GemmPlan For(in GemmShape shape, GemmKernel rung, int targetGroups, long minSplitWork = MinSplitWork)
    {
        var kernel = rung != GemmKernel.Auto ? rung
            : shape.K <= NaiveMaxDepth || Fill(shape) <= NaiveMaxFill ? GemmKernel.Naive : GemmKernel.DoubleBuffered128;
        long batch = shape.Batch;
        int depth = Math.Max(shape.K, 1);
        switch (kernel)
        {
            case GemmKernel.Naive:
                return Plain(kernel, depth, Ceiling(batch * shape.M * shape.N, NaiveThreads), targetGroups, "one thread per element of C");
            case GemmKernel.Tiled16:
                return Plain(kernel, depth, Tiles(shape, GemmTiled16.Tile) * batch, targetGroups, "16×16 blocks of C");
            case GemmKernel.Register64:
                return Plain(kernel, depth, Tiles(shape, GemmRegister64.Block) * batch, targetGroups, "64×64 blocks of C");
            default:
            {
                long tiles = Tiles(shape, GemmDoubleBuffered128.Block) * batch;
                int splits = 1;
                long blockWork = (long)Math.Min(shape.M, GemmDoubleBuffered128.Block) * Math.Min(shape.N, GemmDoubleBuffered128.Block) * shape.K;
                if (tiles < targetGroups && shape.K >= 2 * MinSplitDepth && blockWork >= minSplitWork)
                {
                    long wanted = Ceiling(targetGroups, tiles);
                    splits = (int)Math.Min(wanted, shape.K / MinSplitDepth);
                    // Whole stages per split, and no empty split at the end.
                    int step = GemmDoubleBuffered128.Depth;
                    depth = (int)Ceiling(Ceiling(shape.K, splits), step) * step;
                    splits = (int)Ceiling(shape.K, depth);
                }
                long groups = tiles * splits;
                string? shortfall = groups >= targetGroups ? null
                    : splits > 1
                        ? $"{tiles} blocks of 128×128 × {splits} splits of K = {shape.K} (each split at least {MinSplitDepth} deep)"
                        : shape.K < 2 * MinSplitDepth ? $"{tiles} blocks of 128×128, and K = {shape.K} is too short to split"
                        : $"{tiles} blocks of 128×128, each of {blockWork} multiply-adds: too little to split";
                return new GemmPlan(GemmKernel.DoubleBuffered128, splits, depth, groups, shortfall);
            }
        }
    }

    private static GemmPlan Plain(GemmKernel kernel, int depth, long groups, int targetGroups, string what) =>
        new(kernel, 1, depth, groups, groups >= targetGroups ? null : $"{groups} groups: {what}");

    private static long Tiles(in GemmShape shape, int block) => Ceiling(shape.M, block) * Ceiling(shape.N, block);

    private static long Ceiling(long value, long divisor) => (value + divisor - 1) / divisor;
}
