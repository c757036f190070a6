using GpuNet.Backends;
using GpuNet.Training;

namespace GpuNet.Sweep.Packing;

/// <summary>
/// Trains a sweep's members together, as packs (<see cref="PackedNetwork"/>): every member steps on the same minibatch,
/// gathered once, in one set of launches. At each epoch's end every member's weights and state are copied into its
/// own network and optimiser (<see cref="PackMemberRun"/>), which are evaluated, saved and early-stopped as a solo run's,
/// so a member's figures, checkpoints and final weights are those it would have alone (the same bits on <c>cpu</c>).
/// A member that diverges or stops early is frozen; once a quarter of a pack is frozen the rest are packed again.
/// Members that resume from different points train as separate packs, one after another.
/// </summary>
public sealed class PackedExecutor(IBackend backend, PreparedData data) : ISweepExecutor
{
    // Steps whose scalars are uploaded at once: an epoch's when it has fewer, so a pack waits on at most one upload per epoch.
    private const int MaxStepRows = 1024;

    public bool Run(IReadOnlyList<SweepMember> members, ISweepObserver observer, CancellationToken cancellation)
    {
        if (members.Count == 0) return true;
        var options = members[0].Options;
        var train = data.Data.Train;
        int stepsPerEpoch = TrainOptions.StepsPerEpoch(train.Count, options.BatchSize);
        var runs = new List<PackMemberRun>();
        using var sets = new PackData(backend, data, Trainer.NetworkRows(options), options.BatchSize);
        try
        {
            foreach (var member in members)
            {
                var run = new PackMemberRun(backend, member, stepsPerEpoch) { ClassWeights = member.Options.ClassWeight.Resolve(train) };
                runs.Add(run);
                run.Begin(observer.Starting(member, run));
            }
            foreach (var pack in runs.GroupBy(r => (r.State.Epoch, r.State.StepInEpoch, r.State.EpochComplete)))
                if (!new PackTraining(backend, sets, pack.ToList(), observer, stepsPerEpoch, MaxStepRows).Run(cancellation))
                    return false;
            return true;
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
        }
    }
}
