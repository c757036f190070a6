using System.Diagnostics;
using GpuNet.Backends;
using GpuNet.Kernels;
using GpuNet.Optim;
using GpuNet.Training;

namespace GpuNet.Sweep.Packing;

/// <summary>
/// The training of members that start from the same point, as one pack and then, as members freeze, as smaller ones.
/// The epoch loop is <see cref="Trainer.Fit"/>'s: the same order, rates, figures and early stopping, per member.
/// </summary>
internal sealed class PackTraining(IBackend backend, PackData sets, List<PackMemberRun> runs, ISweepObserver observer, int stepsPerEpoch, int maxStepRows)
{
    private readonly TrainOptions _shared = runs[0].Options; // the batch size and data order every member shares
    private readonly int _epochs = runs.Max(r => r.Options.Epochs);
    private readonly Stopwatch _total = Stopwatch.StartNew();

    /// <summary>Trains every member to its end; false when cancelled (each member still training is reported interrupted).</summary>
    public bool Run(CancellationToken cancellation)
    {
        var active = runs;
        while (active.Count > 0)
        {
            var next = TrainPack(active, cancellation);
            if (next is null) return false;
            active = next;
        }
        return true;
    }

    /// <summary>Trains <paramref name="members"/> as one pack until they finish (an empty list), a quarter of them froze (the rest), or a cancellation (null).</summary>
    private List<PackMemberRun>? TrainPack(List<PackMemberRun> members, CancellationToken cancellation)
    {
        var layout = new PackLayout(members.Select(m => m.Member.Spec).ToArray());
        var runs = layout.Order.Select(i => members[i]).ToArray(); // pack position → member
        int count = runs.Length, trainCount = sets.HostOrder.Length, stepRows = Math.Min(stepsPerEpoch, maxStepRows);
        using var pack = Build(layout, runs, stepRows);
        using var stats = backend.Allocate<float>(checked(count * 2 * trainCount)); // member m's row slots at m·2n
        var table = new PackStep[stepRows * count];
        var host = new float[2 * trainCount];
        var frozen = new bool[count];
        var steps = runs.Select(r => r.Optimizer.Steps).ToArray();
        var state = runs[0].State;
        int firstStep = state.EpochComplete ? 0 : state.StepInEpoch;
        for (int epoch = state.EpochComplete ? state.Epoch + 1 : state.Epoch; epoch <= _epochs; epoch++, firstStep = 0)
        {
            var clock = Stopwatch.StartNew();
            sets.Train.BeginEpoch(_shared.OrderSeed, epoch, _shared.Shuffle, sets.HostOrder, sets.Order);
            backend.Fill(stats, stats.Length, 0f);
            int rowsSeen = 0;
            for (int step = firstStep; step < stepsPerEpoch; step++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    for (int m = 0; m < count; m++)
                        if (!frozen[m]) Interrupt(pack, m, runs[m], steps[m]);
                    return null;
                }
                int row = (step - firstStep) % stepRows;
                if (row == 0)
                {
                    int chunk = Math.Min(stepRows, stepsPerEpoch - step);
                    PackSchedule.Fill(table, runs, frozen, steps, epoch, step, chunk, stepsPerEpoch, sets.HostOrder, sets.Labels, _shared.BatchSize);
                    pack.Tables.UploadSteps(table.AsSpan(0, chunk * count));
                }
                int start = step * _shared.BatchSize, rows = Math.Min(_shared.BatchSize, trainCount - start);
                sets.Train.GatherBatch(sets.Order, start, rows, sets.BatchX, sets.BatchY);
                pack.Step(sets.BatchX, sets.BatchY, rows, row, stats, 2 * start, 2 * trainCount);
                rowsSeen += rows;
                for (int m = 0; m < count; m++)
                {
                    if (frozen[m]) continue;
                    steps[m]++;
                    runs[m].State = runs[m].State with { Epoch = epoch, StepInEpoch = step + 1, EpochComplete = false };
                }
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            for (int m = 0; m < count; m++)
            {
                if (frozen[m]) continue;
                var slots = stats.Slice(m * 2 * trainCount, 2 * trainCount);
                var train = LossStats.Sum(backend, slots, rowsSeen, host);
                frozen[m] = !double.IsFinite(train.Loss)
                    ? Diverged(runs[m], FirstBadStep(slots, firstStep, host, epoch))
                    : EndEpoch(pack, m, runs[m], steps[m], new EpochFigures(epoch, train, rowsSeen, trainSeconds, clock)) || Done(runs[m], epoch);
            }
            int left = frozen.Count(f => !f);
            if (left > 0 && 4 * (count - left) >= count)
                return runs.Where((_, m) => !frozen[m]).ToList(); // packed again without the frozen members
        }
        return [];
    }

    private PackedNetwork Build(PackLayout layout, PackMemberRun[] runs, int stepRows)
    {
        var weights = new List<float>();
        var members = new PackMember[runs.Length];
        int segment = 0;
        for (int p = 0; p < runs.Length; p++)
        {
            var spec = layout.Specs[p];
            members[p] = new PackMember
            {
                LogitsFeature = layout.LogitsFeature(p), Outputs = spec.Outputs, ClassWeights = runs[p].ClassWeights is null ? -1 : weights.Count,
                FirstSegment = segment, SegmentCount = 2 * spec.Layers.Count, ClipNorm = runs[p].Options.ClipNorm,
            };
            weights.AddRange(runs[p].ClassWeights ?? []);
            segment += 2 * spec.Layers.Count;
        }
        var options = runs.Select(r => r.Options).ToArray();
        var pack = new PackedNetwork(backend, layout, members, weights.ToArray(), _shared.BatchSize, stepRows,
            dropout: options.Any(o => o.Dropout > 0f),
            momentum: options.Any(o => o.Optimizer == OptimizerKind.Sgd && o.Momentum != 0f),
            adam: options.Any(o => o.Optimizer != OptimizerKind.Sgd));
        for (int p = 0; p < runs.Length; p++) pack.CopyIn(p, runs[p].Network, runs[p].Optimizer);
        return pack;
    }

    /// <summary>The figures of an epoch that every member of the pack shares.</summary>
    private readonly record struct EpochFigures(int Epoch, Score Train, int RowsSeen, double TrainSeconds, Stopwatch Clock);

    /// <summary>A member's end of epoch as <see cref="Trainer.Fit"/> ends one; true when it is now frozen (early-stopped or diverged).</summary>
    private bool EndEpoch(PackedNetwork pack, int position, PackMemberRun run, long steps, EpochFigures e)
    {
        TakeOut(pack, position, run, steps);
        Score? validation;
        Score test;
        try
        {
            validation = sets.Validation is null ? null : Evaluator.Checked(run.Network, sets.Validation, sets.EvalStats, e.Epoch, stepsPerEpoch, "validation");
            test = sets.Test.Count > 0 ? Evaluator.Checked(run.Network, sets.Test, sets.EvalStats, e.Epoch, stepsPerEpoch, "test") : new Score(double.NaN, double.NaN);
        }
        catch (DivergedException failure)
        {
            return Diverged(run, failure);
        }
        run.State = run.State.AfterEpoch(e.Epoch, validation, out bool isBest);
        var metrics = new EpochMetrics(e.Epoch, e.Train, validation, test, run.Options.LearningRateSchedule.At(e.Epoch, stepsPerEpoch - 1, stepsPerEpoch),
            e.RowsSeen / e.TrainSeconds, e.TrainSeconds, e.Clock.Elapsed.TotalSeconds, _total.Elapsed.TotalSeconds, isBest);
        run.Record(metrics, isBest);
        observer.EpochCompleted(run.Member, run, metrics);
        if (!run.StopsEarly()) return false;
        observer.Finished(run.Member, run, MemberOutcome.From(run.StoppedEarly()));
        return true;
    }

    /// <summary>True (and reported) when <paramref name="epoch"/> was the member's last.</summary>
    private bool Done(PackMemberRun run, int epoch)
    {
        if (epoch < run.Options.Epochs) return false;
        observer.Finished(run.Member, run, MemberOutcome.From(run.Done()));
        return true;
    }

    /// <summary>The first step of the epoch whose rows' loss is not finite, as the diverged solo run reports it.</summary>
    private DivergedException FirstBadStep(DeviceBuffer<float> slots, int firstStep, float[] host, int epoch)
    {
        int trainCount = sets.HostOrder.Length;
        for (int step = firstStep; step < stepsPerEpoch; step++)
        {
            int start = step * _shared.BatchSize, rows = Math.Min(_shared.BatchSize, trainCount - start);
            double loss = LossStats.Sum(backend, slots.Slice(2 * start, 2 * rows), rows, host).Loss;
            if (!double.IsFinite(loss)) return new DivergedException(epoch, step + 1, $"the training loss is {loss}");
        }
        return new DivergedException(epoch, stepsPerEpoch, "the training loss is not finite");
    }

    private bool Diverged(PackMemberRun run, DivergedException failure)
    {
        observer.Finished(run.Member, run, new MemberOutcome(MemberStatus.Diverged, null, failure));
        return true;
    }

    private void Interrupt(PackedNetwork pack, int position, PackMemberRun run, long steps)
    {
        TakeOut(pack, position, run, steps);
        observer.Finished(run.Member, run, MemberOutcome.From(run.Interrupted()));
    }

    /// <summary>Copies the member's weights and optimiser state out of the pack into its own network and optimiser.</summary>
    private static void TakeOut(PackedNetwork pack, int position, PackMemberRun run, long steps)
    {
        pack.CopyOut(position, run.Network, run.Optimizer);
        run.Optimizer.Steps = steps;
    }
}
