using GpuNet.Backends;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Sweep;

/// <summary>
/// The members of a sweep one after another on one device, each through the very path a single run takes (a
/// <see cref="Network"/> initialised from its seed and a <see cref="Trainer"/> over the shared, prepared data), so
/// each ends with the bits it would have alone. The data is loaded and prepared once for all of them.
/// </summary>
public sealed class SequentialExecutor(IBackend backend, PreparedData data) : ISweepExecutor
{
    public bool Run(IReadOnlyList<SweepMember> members, ISweepObserver observer, CancellationToken cancellation)
    {
        foreach (var member in members)
        {
            if (cancellation.IsCancellationRequested) return false;
            if (Train(member, observer, cancellation).Interrupted) return false;
        }
        return true;
    }

    private MemberOutcome Train(SweepMember member, ISweepObserver observer, CancellationToken cancellation)
    {
        using var network = new Network(backend, member.Spec, Trainer.NetworkRows(member.Options));
        network.Initialise(member.Init, member.Options.Seed);
        using var trainer = new Trainer(backend, network, data.Data, member.Options, data.Validation, data.Standardization);
        trainer.EpochCompleted += epoch => observer.EpochCompleted(member, trainer, epoch);
        var start = observer.Starting(member, trainer);
        MemberOutcome outcome;
        try
        {
            outcome = MemberOutcome.From(trainer.Fit(start, cancellation));
        }
        catch (DivergedException e)
        {
            outcome = new MemberOutcome(MemberStatus.Diverged, null, e);
        }
        observer.Finished(member, trainer, outcome);
        return outcome;
    }
}
