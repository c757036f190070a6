using GpuNet.Data;
using GpuNet.Settings;

namespace GpuNet.Training;

/// <summary>
/// Holds out part of the training set for validation: hyperparameters and early stopping are
/// chosen on it, never on the test set.
/// </summary>
public static class ValidationSplit
{
    /// <summary>
    /// Shuffles the training rows (seeded) and keeps the last <paramref name="fraction"/> as the
    /// validation set; fraction 0 keeps everything for training and returns no validation set.
    /// </summary>
    public static (Dataset Train, Dataset? Validation) Carve(Dataset train, double fraction, int seed)
    {
        TrainOptionRanges.ValidationFraction.Check(fraction);
        if (fraction == 0) return (train, null);
        if (train.Count < 2) throw new UsageException($"{Setting.ValidationFraction} {fraction}: {train.Name} has only {train.Count} training row(s) to split");
        var split = DataSplitting.ShuffleSplit(train, fraction, new SeededRandom(seed ^ 0x7A11DA7EL));
        return (split.Train, split.Test);
    }
}
