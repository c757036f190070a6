using System.Text.RegularExpressions;

namespace GpuNet.Cli;

/// <summary>
/// The library names a setting in its messages by its property name in backticks
/// (`` `LearningRate` must be positive ``); the user reads the option that sets it
/// (<c>--lr must be positive</c>). One table, so a renamed option is renamed in every message.
/// </summary>
public static partial class SettingFlags
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["Epochs"] = "--epochs", ["BatchSize"] = "--batch-size", ["LearningRate"] = "--lr", ["Momentum"] = "--momentum",
        ["WeightDecay"] = "--weight-decay", ["Nesterov"] = "--nesterov", ["StepEpochs"] = "--lr-step", ["Gamma"] = "--lr-gamma",
        ["WarmupEpochs"] = "--warmup", ["ClipNorm"] = "--clip-norm", ["EarlyStoppingPatience"] = "--early-stopping",
        ["ValidationFraction"] = "--val-fraction", ["TestData"] = "--test-data", ["Labels"] = "--labels", ["TestLabels"] = "--test-labels", ["Samples"] = "--samples", ["Classes"] = "--classes",
        ["Noise"] = "--noise", ["Data"] = "--data", ["TestFraction"] = "--test-fraction", ["LabelColumn"] = "--label-column",
        ["DataDir"] = "--data-dir", ["Model"] = "--model", ["Hidden"] = "--hidden", ["Activation"] = "--activation", ["Device"] = "--device",
        ["Distributed"] = "--distributed",
    };

    /// <summary>Every `Setting` in <paramref name="message"/> as its option; a name the table lacks keeps its name, without the backticks.</summary>
    public static string ToFlags(string message) =>
        Setting().Replace(message, m => Flags.TryGetValue(m.Groups[1].Value, out var flag) ? flag : m.Groups[1].Value);

    [GeneratedRegex("`([A-Z][A-Za-z0-9]*)`")]
    private static partial Regex Setting();
}
