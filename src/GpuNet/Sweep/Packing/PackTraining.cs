using System.Diagnostics;
using GpuNet.Backends;
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
        var packed = layout.Order.Select(i => members[i]).ToArray(); // pack position → member
        using var stepper = new PackStepper(backend, sets, layout, packed, stepsPerEpoch, maxStepRows);
        var frozen = stepper.Frozen;
        var state = packed[0].State;
        int firstStep = state.EpochComplete ? 0 : state.StepInEpoch;
        for (int epoch = state.EpochComplete ? state.Epoch + 1 : state.Epoch; epoch <= _epochs; epoch++, firstStep = 0)
        {
            var clock = Stopwatch.StartNew();
            stepper.BeginEpoch(epoch, firstStep);
            int rowsSeen = 0;
            for (int step = firstStep; step < stepsPerEpoch; step++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    for (int m = 0; m < packed.Length; m++)
                        if (!frozen[m]) Interrupt(stepper, m, packed[m]);
                    return null;
                }
                rowsSeen += stepper.Step(step);
                for (int m = 0; m < packed.Length; m++)
                    if (!frozen[m]) packed[m].State = packed[m].State with { Epoch = epoch, StepInEpoch = step + 1, EpochComplete = false };
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            for (int m = 0; m < packed.Length; m++)
            {
                if (frozen[m]) continue;
                var train = stepper.Losses.Train(m, rowsSeen);
                frozen[m] = !double.IsFinite(train.Loss)
                    ? Diverged(packed[m], stepper.Losses.FirstBadStep(m) is var (step, loss)
                        ? new DivergedException(epoch, step + 1, $"the training loss is {loss}")
                        : new DivergedException(epoch, stepsPerEpoch, $"the training loss is {train.Loss}"))
                    : EndEpoch(stepper, m, packed[m], new EpochFigures(epoch, train, rowsSeen, trainSeconds, clock)) || Done(packed[m], epoch);
            }
            int left = frozen.Count(f => !f);
            if (left > 0 && 4 * (packed.Length - left) >= packed.Length)
                return packed.Where((_, m) => !frozen[m]).ToList(); // packed again without the frozen members
        }
        return [];
    }

    /// <summary>The figures of an epoch that every member of the pack shares.</summary>
    private readonly record struct EpochFigures(int Epoch, Score Train, int RowsSeen, double TrainSeconds, Stopwatch Clock);

    /// <summary>A member's end of epoch as <see cref="Trainer.Fit"/> ends one; true when it is now frozen (early-stopped or diverged).</summary>
    private bool EndEpoch(PackStepper stepper, int position, PackMemberRun run, EpochFigures e)
    {
        stepper.TakeOut(position);
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

    private bool Diverged(PackMemberRun run, DivergedException failure)
    {
        observer.Finished(run.Member, run, new MemberOutcome(MemberStatus.Diverged, null, failure));
        return true;
    }

    private void Interrupt(PackStepper stepper, int position, PackMemberRun run)
    {
        stepper.TakeOut(position);
        observer.Finished(run.Member, run, MemberOutcome.From(run.Interrupted()));
    }
}
