namespace GpuNet.Training;

/// <summary>Loss (mean over rows) and accuracy (fraction correct) of one pass over a dataset.</summary>
public readonly record struct Score(double Loss, double Accuracy);

/// <summary>
/// One epoch's report. Train is measured during the epoch, batch by batch while the weights
/// change (as Keras reports it); Test is a separate pass over the held-out set after the epoch.
/// SamplesPerSecond counts training only (TrainSeconds); EpochSeconds includes the test pass;
/// ElapsedSeconds runs from the start of training.
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    Score Train,
    Score Test,
    double SamplesPerSecond,
    double TrainSeconds,
    double EpochSeconds,
    double ElapsedSeconds);
