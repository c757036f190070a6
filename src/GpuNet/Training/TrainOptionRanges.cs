using GpuNet.Settings;

namespace GpuNet.Training;

/// <summary>
/// The one range table of the numeric training options: <see cref="TrainOptions.Validate"/> checks each option against
/// its entry, and the CLI builds each option's validator from the same entry.
/// </summary>
public static class TrainOptionRanges
{
    public static readonly SettingRange<int> Epochs = SettingRange.AtLeast(Setting.Epochs, 1);
    public static readonly SettingRange<int> BatchSize = SettingRange.AtLeast(Setting.BatchSize, 1);
    public static readonly SettingRange<float> LearningRate = SettingRange.Positive<float>(Setting.LearningRate);
    public static readonly SettingRange<float> Momentum = SettingRange.Fraction<float>(Setting.Momentum);
    public static readonly SettingRange<float> WeightDecay = SettingRange.ZeroOrPositive<float>(Setting.WeightDecay, "must be zero or positive");
    // Adam's and dropout's ranges, as torch.optim.Adam and nn.Dropout check them.
    public static readonly SettingRange<double> Beta1 = SettingRange.Fraction<double>(Setting.Beta1);
    public static readonly SettingRange<double> Beta2 = SettingRange.Fraction<double>(Setting.Beta2);
    public static readonly SettingRange<float> Eps = SettingRange.Positive<float>(Setting.Eps);
    public static readonly SettingRange<float> Dropout = SettingRange.Fraction<float>(Setting.Dropout);
    public static readonly SettingRange<int> StepEpochs = SettingRange.AtLeast(Setting.StepEpochs, 1, "must be at least 1 epoch");
    public static readonly SettingRange<float> Gamma = new(Setting.Gamma, v => v > 0 && v <= 1, "must be in (0, 1]");
    public static readonly SettingRange<double> WarmupEpochs = SettingRange.ZeroOrPositive<double>(Setting.WarmupEpochs, "must be zero or more epochs");
    public static readonly SettingRange<float> ClipNorm = SettingRange.ZeroOrPositive<float>(Setting.ClipNorm, "must be zero (off) or positive");
    public static readonly SettingRange<int> EarlyStoppingPatience = SettingRange.AtLeast(Setting.EarlyStoppingPatience, 0, "must be zero (off) or a number of epochs");
    public static readonly SettingRange<double> ValidationFraction = SettingRange.Fraction<double>(Setting.ValidationFraction);
}
