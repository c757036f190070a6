using GpuNet.Backends.Cpu;
using GpuNet.Sweep;
using GpuNet.Sweep.Packing;

namespace GpuNet.Tests.Training;

/// <summary>
/// The contract of both executors <see cref="SweepExecutors.For"/> picks from (one model after another, and packs in
/// shared launches): each member ends with its solo trainer's weights, to the bit on cpu, a diverging member is frozen
/// while the others finish, and a cancellation reports the members in progress and stops.
/// </summary>
public sealed class SweepExecutorTests
{
    private static PreparedData Data(int classes = 3)
    {
        var split = SyntheticData.Generate("blobs", 400, classes, null, seed: 4, testFraction: 0.2);
        var (train, validation) = ValidationSplit.Carve(split.Train, 0.1, seed: 4);
        return new PreparedData(split with { Train = train }, validation, null);
    }

    private static SweepMember Member(int index, int[] hidden, TrainOptions options) =>
        new(index, ModelSpec.Create(ModelKind.Mlp, 2, 3, hidden, Activation.Relu), InitScheme.Auto, options);

    public static TheoryData<string> Executors => ["sequential", "packed"];

    private static ISweepExecutor Executor(string kind, IBackend backend, PreparedData data) =>
        kind == "packed" ? new PackedExecutor(backend, data) : new SequentialExecutor(backend, data);

    private static readonly TrainOptions Base = new() { Epochs = 3, BatchSize = 50, EvalBatchSize = 64, LearningRate = 0.1f, DataSeed = 9 };

    /// <summary>Records what the executor reports, and each member's weights when it finishes.</summary>
    private sealed class Recorder(Action<SweepMember, EpochMetrics>? onEpoch = null) : ISweepObserver
    {
        public List<string> Events { get; } = [];
        public Dictionary<int, (MemberOutcome Outcome, IReadOnlyList<NamedTensor> Weights)> Finished { get; } = [];
        public Dictionary<int, List<EpochMetrics>> Epochs { get; } = [];

        public TrainingState? Starting(SweepMember member, IModelRun run)
        {
            Events.Add($"start {member.Index}");
            return null;
        }

        public void EpochCompleted(SweepMember member, IModelRun run, EpochMetrics epoch)
        {
            Events.Add($"epoch {member.Index}.{epoch.Epoch}");
            (Epochs.TryGetValue(member.Index, out var list) ? list : Epochs[member.Index] = []).Add(epoch);
            onEpoch?.Invoke(member, epoch);
        }

        void ISweepObserver.Finished(SweepMember member, IModelRun run, MemberOutcome outcome)
        {
            Events.Add($"finish {member.Index} {outcome.Status}");
            Finished[member.Index] = (outcome, run.Network.ExportParameters());
        }
    }

    private static void AssertSoloBits(IBackend backend, PreparedData data, Recorder recorder, IEnumerable<SweepMember> members)
    {
        foreach (var member in members)
        {
            var (_, weights) = recorder.Finished[member.Index];
            var (solo, history) = Solo(backend, data, member);
            Assert.Equal(solo.Select(t => t.Name), weights.Select(t => t.Name));
            for (int t = 0; t < solo.Count; t++) Assert.Equal(solo[t].Data, weights[t].Data);
            // The figures too: training loss and accuracy (summed from per-row slots in the same order), and the evaluations.
            Assert.Equal(history.Select(e => (e.Train, e.Validation, e.Test, e.LearningRate, e.IsBest)),
                recorder.Epochs[member.Index].Select(e => (e.Train, e.Validation, e.Test, e.LearningRate, e.IsBest)));
        }
    }

    private static (IReadOnlyList<NamedTensor> Weights, IReadOnlyList<EpochMetrics> History) Solo(IBackend backend, PreparedData data, SweepMember member)
    {
        using var network = new Network(backend, member.Spec, Trainer.NetworkRows(member.Options));
        network.Initialise(member.Init, member.Options.Seed);
        using var trainer = new Trainer(backend, network, data.Data, member.Options, data.Validation, data.Standardization);
        var result = trainer.Fit();
        return (network.ExportParameters(), result.History);
    }

    [Theory]
    [MemberData(nameof(Executors))]
    public void Each_member_ends_with_the_weights_of_its_solo_trainer(string executor)
    {
        using var backend = new CpuBackend();
        var data = Data();
        SweepMember[] members =
        [
            Member(0, [8], Base with { Seed = 1, Momentum = 0.9f, ClassWeight = new ClassWeighting(false, [1f, 3f, 1f]) }),
            Member(1, [16, 8], Base with { Seed = 2, Optimizer = OptimizerKind.Adam, LearningRate = 0.01f, Dropout = 0.2f }),
            Member(2, [8], Base with { Seed = 3, EarlyStoppingPatience = 1, Epochs = 30, LearningRate = 2f }),
            Member(3, [16, 8], Base with { Seed = 4, Optimizer = OptimizerKind.AdamW, LearningRate = 0.02f, WeightDecay = 0.1f, ClipNorm = 0.5f }),
            Member(4, [8], Base with { Seed = 5, Nesterov = true, WeightDecay = 1e-3f, ClipNorm = 0.3f, Schedule = ScheduleKind.Cosine, WarmupEpochs = 0.5 }) with
                { Spec = ModelSpec.Create(ModelKind.Mlp, 2, 3, [8], Activation.Tanh) },
            new(5, ModelSpec.Create(ModelKind.Softmax, 2, 3), InitScheme.Xavier, Base with { Seed = 6, Momentum = 0f, ClassWeight = ClassWeighting.BalancedWeights }),
        ];
        var recorder = new Recorder();
        Assert.True(Executor(executor, backend, data).Run(members, recorder, CancellationToken.None));
        AssertSoloBits(backend, data, recorder, members);
        Assert.Equal(MemberStatus.Done, recorder.Finished[0].Outcome.Status);
        Assert.Equal(MemberStatus.EarlyStopped, recorder.Finished[2].Outcome.Status);
        Assert.NotEqual(recorder.Finished[0].Weights[0].Data, recorder.Finished[2].Weights[0].Data);
    }

    [Theory]
    [MemberData(nameof(Executors))]
    public void A_diverging_member_is_frozen_and_the_others_finish(string executor)
    {
        using var backend = new CpuBackend();
        SweepMember[] members = [Member(0, [8], Base), Member(1, [8], Base with { LearningRate = 1e30f }), Member(2, [8], Base with { Seed = 5 })];
        var recorder = new Recorder();
        Assert.True(Executor(executor, backend, Data()).Run(members, recorder, CancellationToken.None));
        Assert.Equal(MemberStatus.Diverged, recorder.Finished[1].Outcome.Status);
        Assert.Contains("training diverged at epoch 1", recorder.Finished[1].Outcome.Failure!.Message);
        Assert.Equal(MemberStatus.Done, recorder.Finished[2].Outcome.Status);
        Assert.Contains("epoch 2.3", recorder.Events);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("epoch 1.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cancellation_reports_the_member_in_progress_and_trains_no_other()
    {
        using var backend = new CpuBackend();
        using var stop = new CancellationTokenSource();
        var recorder = new Recorder((member, epoch) => { if (member.Index == 1 && epoch.Epoch == 1) stop.Cancel(); });
        SweepMember[] members = [Member(0, [8], Base), Member(1, [8], Base with { Seed = 1 }), Member(2, [8], Base with { Seed = 2 })];
        Assert.False(new SequentialExecutor(backend, Data()).Run(members, recorder, stop.Token));
        Assert.True(recorder.Finished[1].Outcome.Interrupted);
        Assert.Equal(MemberStatus.Pending, recorder.Finished[1].Outcome.Status);
        Assert.False(recorder.Finished.ContainsKey(2));
        Assert.DoesNotContain("start 2", recorder.Events);
    }

    [Fact]
    public void A_cancelled_pack_reports_every_member_in_progress()
    {
        using var backend = new CpuBackend();
        using var stop = new CancellationTokenSource();
        var recorder = new Recorder((member, epoch) => { if (member.Index == 1 && epoch.Epoch == 1) stop.Cancel(); });
        SweepMember[] members = [Member(0, [8], Base), Member(1, [8], Base with { Seed = 1 }), Member(2, [4], Base with { Seed = 2 })];
        Assert.False(new PackedExecutor(backend, Data()).Run(members, recorder, stop.Token));
        Assert.All(members, m => Assert.True(recorder.Finished[m.Index].Outcome.Interrupted));
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("epoch 0.2", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Executors))]
    public void Binary_members_logistic_and_mlp_end_with_their_solo_weights(string executor)
    {
        using var backend = new CpuBackend();
        var data = Data(classes: 2);
        SweepMember[] members =
        [
            new(0, ModelSpec.Create(ModelKind.Logistic, 2, 2), InitScheme.Zeros, Base with { ClassWeight = new ClassWeighting(false, [1f, 4f]) }),
            Member(1, [8], Base with { Seed = 1, Dropout = 0.3f }) with { Spec = ModelSpec.Create(ModelKind.Mlp, 2, 2, [8], Activation.Sigmoid) },
            new(2, ModelSpec.Create(ModelKind.Logistic, 2, 2), InitScheme.Normal, Base with { Seed = 2, Optimizer = OptimizerKind.Adam, LearningRate = 0.05f }),
        ];
        var recorder = new Recorder();
        Assert.True(Executor(executor, backend, data).Run(members, recorder, CancellationToken.None));
        AssertSoloBits(backend, data, recorder, members);
    }

    public static TheoryData<string> IlgpuDevices => ["ilgpu-cpu", "opencl:0", "cuda"];

    /// <summary>
    /// On an ILGPU device a pack's member ends within 1e-5 (relative to its largest weight) of the same model trained
    /// alone on that device: the pack ops compute each element as the solo kernels do, but a GEMM's rung and reduction
    /// order may differ between the pack's shapes and the solo ones.
    /// </summary>
    [Theory]
    [MemberData(nameof(IlgpuDevices))]
    public void On_an_ilgpu_device_each_member_ends_within_1e5_of_its_solo_run(string device)
    {
        using var backend = TestDevices.TryOpen(device, out string? missing);
        if (backend is null) Assert.Skip(missing!);
        var data = Data();
        var small = Base with { Epochs = 2 };
        SweepMember[] members =
        [
            Member(0, [8], small with { Seed = 1, Momentum = 0.9f, ClassWeight = new ClassWeighting(false, [1f, 3f, 1f]) }),
            Member(1, [6, 4], small with { Seed = 2, Optimizer = OptimizerKind.Adam, LearningRate = 0.01f, Dropout = 0.2f, ClipNorm = 0.5f }),
            new(2, ModelSpec.Create(ModelKind.Softmax, 2, 3), InitScheme.Xavier, small with { Seed = 3 }),
        ];
        var recorder = new Recorder();
        Assert.True(new PackedExecutor(backend, data).Run(members, recorder, CancellationToken.None));
        foreach (var member in members)
        {
            var (solo, _) = Solo(backend, data, member);
            var packed = recorder.Finished[member.Index].Weights;
            for (int t = 0; t < solo.Count; t++)
            {
                float scale = Math.Max(1e-3f, solo[t].Data.Max(MathF.Abs));
                for (int i = 0; i < solo[t].Data.Length; i++)
                    Assert.True(MathF.Abs(solo[t].Data[i] - packed[t].Data[i]) <= 1e-5f * scale,
                        $"member {member.Index} {solo[t].Name}[{i}]: solo {solo[t].Data[i]}, packed {packed[t].Data[i]}");
            }
        }
    }
}
