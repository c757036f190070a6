using GpuNet.Training;

namespace GpuNet.Sweep;

/// <summary>Where a member of a sweep stands.</summary>
public enum MemberStatus
{
    /// <summary>Not trained yet, or stopped by an interrupt and waiting to be resumed.</summary>
    Pending,
    /// <summary>Trained all its epochs.</summary>
    Done,
    /// <summary>Early stopping ended it on its best epoch's weights.</summary>
    EarlyStopped,
    /// <summary>Its loss turned non-finite: frozen at its last good epoch, while the other members go on.</summary>
    Diverged,
}

/// <summary>How one member's training ended: its status, this sitting's result (null when it diverged), and why it diverged.</summary>
public sealed record MemberOutcome(MemberStatus Status, TrainResult? Result, DivergedException? Failure = null)
{
    /// <summary>An interrupt stopped it; it continues from its checkpoint when the sweep resumes.</summary>
    public bool Interrupted => Result?.Interrupted == true;

    public static MemberOutcome From(TrainResult result) =>
        new(result.Interrupted ? MemberStatus.Pending : result.StoppedEarly ? MemberStatus.EarlyStopped : MemberStatus.Done, result);
}
