namespace GpuNet.Tests.Ilgpu;

/// <summary>How GEMMs are launched on a GPU, checked without one: <see cref="GemmPlan"/> is a pure function.</summary>
public sealed class GemmPlanTests
{
    private const int H200Multiprocessors = PtxExport.H200Multiprocessors;

    /// <summary>The training GEMMs the ptx report lists (<see cref="PtxExport.TrainingGemms"/>).</summary>
    public static TheoryData<int, int, int, bool, bool> TrainingShapes()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var (_, shape) in PtxExport.TrainingGemms())
            data.Add(shape.M, shape.N, shape.K, shape.TransA, shape.TransB);
        return data;
    }

    [Theory]
    [MemberData(nameof(TrainingShapes))]
    public void Training_shapes_fill_an_H200_or_say_why(int m, int n, int k, bool transA, bool transB)
    {
        var shape = new GemmShape(transA, transB, m, n, k);
        var plan = GemmPlan.For(shape, GemmKernel.Auto, H200Multiprocessors);
        if (plan.Groups < H200Multiprocessors)
            Assert.False(string.IsNullOrEmpty(plan.Shortfall), $"{m}x{n}x{k}: {plan.Groups} groups and no reason");
        else
            Assert.Null(plan.Shortfall);
        Assert.Equal(plan.Groups, ExpectedGroups(shape, plan));
        AssertSplitsCoverK(shape, plan);
    }

    [Fact]
    public void A_short_K_takes_the_naive_kernel_and_a_long_one_the_128_rung()
    {
        Assert.Equal(GemmKernel.Naive, GemmPlan.For(new GemmShape(false, false, 128, 256, 10), GemmKernel.Auto, H200Multiprocessors).Kernel);
        Assert.Equal(GemmKernel.DoubleBuffered128, GemmPlan.For(new GemmShape(false, true, 128, 256, 784), GemmKernel.Auto, H200Multiprocessors).Kernel);
    }

    /// <summary>
    /// A C that fills at most an eighth of its 128×128 blocks takes the naive kernel (the logits' layer: 10 of 128 columns),
    /// a quarter-filled one the 128 rung (PoCL's timings of both, perf/RESULTS.md).
    /// </summary>
    [Theory]
    [InlineData(32, 10, 256, GemmKernel.Naive)]
    [InlineData(128, 10, 256, GemmKernel.Naive)]
    [InlineData(10, 256, 128, GemmKernel.Naive)]
    [InlineData(32, 256, 784, GemmKernel.DoubleBuffered128)]
    [InlineData(16, 128, 784, GemmKernel.Naive)]
    [InlineData(17, 128, 784, GemmKernel.DoubleBuffered128)]
    public void A_sliver_of_a_block_takes_the_naive_kernel(int m, int n, int k, GemmKernel expected) =>
        Assert.Equal(expected, GemmPlan.For(new GemmShape(false, true, m, n, k), GemmKernel.Auto, H200Multiprocessors).Kernel);

    [Fact]
    public void Blocks_that_fill_the_device_are_not_split()
    {
        var plan = GemmPlan.For(new GemmShape(false, true, 4096, 1024, 1024), GemmKernel.DoubleBuffered128, H200Multiprocessors);
        Assert.Equal(1, plan.Splits);
        Assert.Equal(32L * 8, plan.Groups);
    }

    [Fact]
    public void Splits_stop_at_the_least_depth_and_the_shortfall_says_so()
    {
        // 1 block of 128×128 and K = 64: at most 64 / 16 = 4 splits (when a block that small may split at all).
        var plan = GemmPlan.For(new GemmShape(false, false, 100, 100, 64), GemmKernel.DoubleBuffered128, H200Multiprocessors, minSplitWork: 0);
        Assert.Equal(4, plan.Splits);
        Assert.Equal(16, plan.SplitDepth);
        Assert.Contains("splits", plan.Shortfall);
    }

    /// <summary>
    /// Split-K adds the reduction's launch, so a block with too little work stays whole: the last layer of MLP 784-256-10
    /// forward at batch 128 (one block of 128×10×256) and its weight gradient (10×256×128) take one launch each, while the
    /// first layer's forward (two blocks of 128×128×784) still splits.
    /// </summary>
    [Fact]
    public void Blocks_with_little_work_stay_one_launch_and_say_so()
    {
        foreach (var small in new[] { new GemmShape(false, true, 128, 10, 256), new GemmShape(true, false, 10, 256, 128) })
        {
            var plan = GemmPlan.For(small, GemmKernel.DoubleBuffered128, H200Multiprocessors);
            Assert.Equal(1, plan.Splits);
            Assert.Contains("too little to split", plan.Shortfall);
        }
        Assert.True(GemmPlan.For(new GemmShape(false, true, 128, 256, 784), GemmKernel.DoubleBuffered128, H200Multiprocessors).Splits > 1);
    }

    [Theory]
    [InlineData(100, 1)]
    [InlineData(101, 7)]
    [InlineData(1000, 3)]
    public void Every_split_is_whole_stages_and_none_is_empty(int k, int tiles)
    {
        var shape = new GemmShape(false, false, 128 * tiles, 128, k);
        var plan = GemmPlan.For(shape, GemmKernel.DoubleBuffered128, H200Multiprocessors);
        Assert.Equal(0, plan.SplitDepth % GemmDoubleBuffered128.Depth);
        AssertSplitsCoverK(shape, plan);
    }

    private static void AssertSplitsCoverK(in GemmShape shape, GemmPlan plan)
    {
        if (plan.Splits == 1)
            return;
        Assert.True((long)plan.SplitDepth * (plan.Splits - 1) < shape.K, $"the last split of {plan} would be empty");
        Assert.True((long)plan.SplitDepth * plan.Splits >= shape.K, $"{plan} leaves part of K = {shape.K} out");
        Assert.True(plan.SplitDepth >= GemmPlan.MinSplitDepth);
    }

    private static long ExpectedGroups(GemmShape shape, GemmPlan plan)
    {
        long Blocks(int edge) => (long)((shape.M + edge - 1) / edge) * ((shape.N + edge - 1) / edge);
        return plan.Kernel switch
        {
            GemmKernel.Naive => ((long)shape.M * shape.N + 255) / 256,
            _ => Blocks(GemmDoubleBuffered128.Block) * plan.Splits,
        };
    }
}
