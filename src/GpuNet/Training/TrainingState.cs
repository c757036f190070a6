namespace GpuNet.Training;

/// <summary>
/// Where a run stands, beyond its weights and momentum buffers: enough to resume it exactly.
/// The epoch order and the learning rate are functions of (seed, epoch, step), so no RNG state is needed.
/// </summary>
/// <param name="Epoch">The epoch in progress or last finished (1-based; 0 before training).</param>
/// <param name="StepInEpoch">Steps of <paramref name="Epoch"/> already taken (when it was interrupted mid-way).</param>
/// <param name="EpochComplete">True when <paramref name="Epoch"/> finished (the next step starts epoch + 1).</param>
/// <param name="BestValidationLoss">Lowest validation loss so far (early stopping); +∞ when none.</param>
/// <param name="BestEpoch">The epoch that reached it (0 when none).</param>
public sealed record TrainingState(int Epoch, int StepInEpoch, bool EpochComplete, double BestValidationLoss, int BestEpoch)
{
    public static readonly TrainingState Start = new(0, 0, true, double.PositiveInfinity, 0);

    /// <summary>
    /// The state after epoch <paramref name="epoch"/> ends with <paramref name="validation"/>'s figures: complete, and
    /// best when its validation loss is strictly lower than the best so far (every epoch is best without validation).
    /// </summary>
    public TrainingState AfterEpoch(int epoch, Score? validation, out bool isBest)
    {
        isBest = validation is null || validation.Value.Loss < BestValidationLoss;
        var done = this with { Epoch = epoch, EpochComplete = true, StepInEpoch = 0 };
        return isBest ? done with { BestValidationLoss = validation?.Loss ?? double.PositiveInfinity, BestEpoch = epoch } : done;
    }

    /// <summary>Total SGD steps taken, given the steps an epoch has.</summary>
    public long GlobalStep(int stepsPerEpoch) => EpochComplete ? (long)Epoch * stepsPerEpoch : (long)(Epoch - 1) * stepsPerEpoch + StepInEpoch;
}
