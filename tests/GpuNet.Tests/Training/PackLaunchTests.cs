using GpuNet.Backends.Cpu;
using GpuNet.Bench;

namespace GpuNet.Tests.Training;

/// <summary>
/// A pack's step takes the same launches whatever its size: the first layers of all members are one GEMM, the later
/// layers one batched GEMM per architecture, each other op one pack op, and the bias gradients of every layer one row
/// sum. Against one model's step it takes at most two launches more per depth: the solo step's GEMMs carry bias +
/// activation and the activation's backward in their epilogues, where the pack's members each bring their own
/// activation and dropout to pack ops of their own (and the solo step's bias gradient per layer is one row sum for all).
/// </summary>
public sealed class PackLaunchTests
{
    private static readonly int[] PackSizes = [1, 3, 16];

    private static double Launches(StepProfile profile) => profile.Ops.Where(o => o.Op != ProfilingBackend.UploadOp).Sum(o => o.CallsPerStep);

    [Theory]
    [InlineData(ModelKind.Softmax, new int[0])]
    [InlineData(ModelKind.Mlp, new[] { 32 })]
    [InlineData(ModelKind.Mlp, new[] { 32, 16 })]
    public void A_pack_step_takes_as_many_launches_at_any_size_and_no_more_than_one_model(ModelKind kind, int[] hidden)
    {
        using var backend = new CpuBackend();
        var data = BenchData.Random(256, 20, 4, seed: 1);
        var spec = ModelSpec.Create(kind, 20, 4, hidden);
        double solo = Launches(TrainingBenchmark.Profile(backend, spec, data, 32, warmupSteps: 1, steps: 4));
        var packs = PackSizes.Select(models => Launches(PackBenchmark.Profile(backend, spec, data, 32, models, warmupSteps: 1, steps: 4))).ToArray();
        Assert.All(packs, launches => Assert.Equal(packs[0], launches));
        Assert.InRange(packs[0], solo, solo + 2 * (hidden.Length + 1));
    }
}
