namespace GpuNet.Training;

/// <summary>Loss (mean over rows) and accuracy (fraction correct) of one pass over a dataset.</summary>
public readonly record struct Score(double Loss, double Accuracy);

/// <summary>
/// One epoch's report. Train is measured during the epoch, batch by batch while the weights
/// change (as Keras reports it); Validation (when a validation split exists) and Test are separate
/// passes after the epoch. SamplesPerSecond counts training only (TrainSeconds); EpochSeconds
/// includes the evaluation passes; ElapsedSeconds runs from the start of training.
/// IsBest marks the epoch with the lowest validation loss so far (every epoch counts as best
/// when there is no validation split, so "best" is then simply "last").
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    Score Train,
    Score? Validation,
    Score Test,
    double LearningRate,
    double SamplesPerSecond,
    double TrainSeconds,
    double EpochSeconds,
    double ElapsedSeconds,
    bool IsBest);

/// <summary>A progress report inside an epoch: the running training loss and accuracy so far.</summary>
public sealed record TrainProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, Score Running, double SamplesPerSecond);
