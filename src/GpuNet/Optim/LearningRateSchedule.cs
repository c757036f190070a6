namespace GpuNet.Optim;

public enum ScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant,
    /// <summary>PyTorch's StepLR: multiply by Gamma every StepEpochs epochs.</summary>
    Step,
    /// <summary>PyTorch's CosineAnnealingLR to zero over the run, evaluated per step (fractional epochs).</summary>
    Cosine,
}

/// <summary>
/// The learning rate at each SGD step: a schedule over epochs, then an optional linear warm-up
/// over the first WarmupEpochs. Position t is measured in epochs already trained (fractional,
/// t = epoch − 1 + step / stepsPerEpoch), so the rate depends only on where training is — a
/// resumed run continues the same sequence.
/// </summary>
public sealed record LearningRateSchedule(
    float BaseRate,
    ScheduleKind Kind = ScheduleKind.Constant,
    int Epochs = 1,
    int StepEpochs = 30,
    float Gamma = 0.1f,
    double WarmupEpochs = 0)
{
    /// <summary>The rate for step <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/> (1-based).</summary>
    public float At(int epoch, int step, int stepsPerEpoch)
    {
        double t = epoch - 1 + (double)step / stepsPerEpoch;
        double rate = Kind switch
        {
            ScheduleKind.Step => BaseRate * Math.Pow(Gamma, (epoch - 1) / StepEpochs),
            ScheduleKind.Cosine => BaseRate * 0.5 * (1 + Math.Cos(Math.PI * t / Epochs)),
            _ => BaseRate,
        };
        // Warm-up counts the step being taken, so its first step already moves (rate > 0).
        if (WarmupEpochs > 0 && t < WarmupEpochs)
            rate *= (t + 1.0 / stepsPerEpoch) / WarmupEpochs;
        return (float)rate;
    }
}
