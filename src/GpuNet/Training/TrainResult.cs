namespace GpuNet.Training;

/// <summary>How <see cref="Trainer.Fit"/> ended.</summary>
/// <param name="History">Every completed epoch's figures, in order (resumed runs: only this run's epochs).</param>
/// <param name="Interrupted">Cancelled (Ctrl+C): stopped after the step in progress; <see cref="Trainer.State"/> says where.</param>
/// <param name="StoppedEarly">Early stopping ended the run before the last epoch.</param>
/// <param name="BestEpoch">The epoch whose weights the network holds at the end when early stopping restored them; 0 otherwise.</param>
public sealed record TrainResult(IReadOnlyList<EpochMetrics> History, bool Interrupted, bool StoppedEarly, int BestEpoch);
