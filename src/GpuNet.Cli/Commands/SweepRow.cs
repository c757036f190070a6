using System.Text.Json.Serialization;
using GpuNet.Sweep;

namespace GpuNet.Cli.Commands;

/// <summary>One epoch of a model in a sweep's results: its losses and accuracies (null where the split is absent).</summary>
public sealed record SweepEpoch(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("train_loss")] double TrainLoss,
    [property: JsonPropertyName("train_accuracy")] double TrainAccuracy,
    [property: JsonPropertyName("val_loss")] double? ValidationLoss,
    [property: JsonPropertyName("val_accuracy")] double? ValidationAccuracy,
    [property: JsonPropertyName("test_loss")] double? TestLoss,
    [property: JsonPropertyName("test_accuracy")] double? TestAccuracy)
{
    public static SweepEpoch From(EpochMetrics e) => new(e.Epoch, e.Train.Loss, e.Train.Accuracy, e.Validation?.Loss, e.Validation?.Accuracy,
        double.IsNaN(e.Test.Loss) ? null : e.Test.Loss, double.IsNaN(e.Test.Accuracy) ? null : e.Test.Accuracy);
}

/// <summary>One model's line of sweep.json and sweep.csv: what it is, where it stands, and its figures.</summary>
public sealed class SweepRow
{
    [JsonPropertyName("model")] public required string Name { get; init; }
    /// <summary>The model's values of the options that differ between the sweep's models ("default" where it leaves one out).</summary>
    [JsonPropertyName("options")] public required Dictionary<string, string> Options { get; init; }
    [JsonPropertyName("train_args")] public required IReadOnlyList<string> TrainArgs { get; init; }
    [JsonPropertyName("run_dir")] public required string RunDir { get; init; }
    [JsonPropertyName("status")] public MemberStatus Status { get; set; }
    [JsonPropertyName("epochs")] public int Epochs => History.Count == 0 ? 0 : History[^1].Epoch;
    [JsonPropertyName("best_epoch")] public int? BestEpoch => Best?.Epoch;
    [JsonPropertyName("final")] public SweepEpoch? Final => History.Count == 0 ? null : History[^1];
    /// <summary>The epoch with the lowest validation loss (the last one without a validation split); test figures never choose it.</summary>
    [JsonPropertyName("best")] public SweepEpoch? Best => History.Any(e => e.ValidationLoss is not null) ? History.Where(e => e.ValidationLoss is not null).MinBy(e => e.ValidationLoss) : Final;
    [JsonPropertyName("failure")] public string? Failure { get; set; }
    [JsonPropertyName("settings")] public required IReadOnlyList<SweepSetting> Settings { get; init; }
    [JsonPropertyName("history")] public List<SweepEpoch> History { get; init; } = [];

    /// <summary>Whether the model is finished for good: a resumed sweep keeps it as it is.</summary>
    [JsonIgnore] public bool Finished => Status is MemberStatus.Done or MemberStatus.EarlyStopped or MemberStatus.Diverged;

    /// <summary>Its lowest validation loss, which ranks it; null when it cannot be ranked (diverged, unfinished, or no validation split).</summary>
    [JsonIgnore] public double? RankingLoss => Status is MemberStatus.Done or MemberStatus.EarlyStopped ? Best?.ValidationLoss : null;

    [JsonIgnore] public SweepModel Model => new(Name, Settings, TrainArgs, RunDir);

    public static SweepRow For(SweepModel model, IReadOnlyList<string> differing) => new()
    {
        Name = model.Name,
        Options = differing.ToDictionary(flag => flag, flag => SweepGrid.Value(model.Settings, flag) ?? "default"),
        TrainArgs = model.TrainArgs,
        RunDir = model.RunDir,
        Settings = model.Settings,
    };
}
