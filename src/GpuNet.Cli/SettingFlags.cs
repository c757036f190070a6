using GpuNet.Settings;

namespace GpuNet.Cli;

/// <summary>
/// The library names settings (<see cref="Setting"/>) in its errors; the user reads the option that sets each
/// (<c>--lr must be a positive number</c>). One table, so a renamed option is renamed in every message.
/// </summary>
public static class SettingFlags
{
    private static readonly Dictionary<Setting, string> Flags = new()
    {
        [Setting.Epochs] = "--epochs", [Setting.BatchSize] = "--batch-size", [Setting.LearningRate] = "--lr", [Setting.Momentum] = "--momentum",
        [Setting.WeightDecay] = "--weight-decay", [Setting.Nesterov] = "--nesterov", [Setting.Beta1] = "--beta1", [Setting.Beta2] = "--beta2",
        [Setting.Eps] = "--eps", [Setting.Dropout] = "--dropout", [Setting.StepEpochs] = "--lr-step", [Setting.Gamma] = "--lr-gamma",
        [Setting.WarmupEpochs] = "--warmup", [Setting.ClipNorm] = "--clip-norm", [Setting.EarlyStoppingPatience] = "--early-stopping",
        [Setting.ValidationFraction] = "--val-fraction", [Setting.TestData] = "--test-data", [Setting.Labels] = "--labels",
        [Setting.TestLabels] = "--test-labels", [Setting.Samples] = "--samples", [Setting.Classes] = "--classes", [Setting.Noise] = "--noise",
        [Setting.Data] = "--data", [Setting.TestFraction] = "--test-fraction", [Setting.LabelColumn] = "--label-column",
        [Setting.IgnoreColumns] = "--ignore-columns", [Setting.IdColumn] = "--id-column",
        [Setting.Categorical] = "--categorical", [Setting.Impute] = "--impute",
        [Setting.DataDir] = "--data-dir", [Setting.Model] = "--model", [Setting.Hidden] = "--hidden", [Setting.Activation] = "--activation",
        [Setting.Device] = "--device", [Setting.Distributed] = "--distributed",
        [Setting.InitFrom] = "--init-from", [Setting.OutDir] = "--out",
    };

    /// <summary>The option that sets <paramref name="setting"/> (a test checks every setting has one).</summary>
    public static string Flag(Setting setting) => Flags.TryGetValue(setting, out var flag) ? flag : setting.ToString();

    /// <summary>A library error as the CLI prints it: each setting it names spelled as its option.</summary>
    public static string Describe(GpuNetException error) => error.Text is { } text ? text.Render(Flag) : error.Message;
}
