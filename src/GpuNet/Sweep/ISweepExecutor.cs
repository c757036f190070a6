using GpuNet.Training;

namespace GpuNet.Sweep;

/// <summary>
/// Trains the members of a sweep on data prepared once. How is its own business: one member after another
/// (<see cref="SequentialExecutor"/>), or a pack of members in batched GEMMs; whoever runs a sweep (its command,
/// results and resume) sees only the <see cref="ISweepObserver"/> calls, which are the same either way.
/// </summary>
public interface ISweepExecutor
{
    /// <summary>
    /// Trains <paramref name="members"/> until each is done, early-stopped or diverged; a member that diverges is
    /// frozen and never stops the others. Returns false when <paramref name="cancellation"/> interrupted the sweep (the member
    /// in progress is reported to <see cref="ISweepObserver.Finished"/> with <see cref="MemberOutcome.Interrupted"/>).
    /// </summary>
    bool Run(IReadOnlyList<SweepMember> members, ISweepObserver observer, CancellationToken cancellation);
}

/// <summary>What a sweep's runner hears from an <see cref="ISweepExecutor"/>: where it saves, resumes and reports.</summary>
public interface ISweepObserver
{
    /// <summary>
    /// <paramref name="member"/>'s network is built and initialised from its seed and its optimiser is ready: load a
    /// checkpoint into them here to resume it. Returns where its training starts (null: at the beginning).
    /// </summary>
    TrainingState? Starting(SweepMember member, IModelRun run);

    /// <summary>An epoch of <paramref name="member"/> ended (its weights are the epoch's).</summary>
    void EpochCompleted(SweepMember member, IModelRun run, EpochMetrics epoch);

    /// <summary><paramref name="member"/>'s training ended: done, early-stopped, diverged or interrupted.</summary>
    void Finished(SweepMember member, IModelRun run, MemberOutcome outcome);
}
