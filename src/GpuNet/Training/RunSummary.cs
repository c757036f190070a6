using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuNet.Training;

/// <summary>The figures of a finished run: what summary.json holds and the run's JSON summary prints.</summary>
public sealed record RunSummary(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("train_loss")] double TrainLoss,
    [property: JsonPropertyName("train_accuracy")] double TrainAccuracy,
    [property: JsonPropertyName("test_loss")] double TestLoss,
    [property: JsonPropertyName("test_accuracy")] double TestAccuracy,
    [property: JsonPropertyName("samples_per_second")] double SamplesPerSecond,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("val_loss")] double? ValidationLoss = null,
    [property: JsonPropertyName("val_accuracy")] double? ValidationAccuracy = null,
    [property: JsonPropertyName("best_epoch")] int? BestEpoch = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// The summary of a run: the figures of the epoch whose weights the model ends with (the best
    /// epoch when early stopping restored it, else the last), and training throughput over all
    /// epochs (evaluation excluded).
    /// </summary>
    public static RunSummary From(string model, string device, TrainOptions options, TrainResult result, double seconds)
    {
        var history = result.History;
        var last = history.LastOrDefault(e => e.Epoch == result.BestEpoch) ?? history[^1];
        double trainSeconds = history.Sum(e => e.TrainSeconds);
        double samples = history.Sum(e => e.SamplesPerSecond * e.TrainSeconds);
        // The rate as given (0.3), not the float's double (0.30000001192092896).
        double lr = double.Parse(options.LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        return new RunSummary(model, device, history[^1].Epoch, options.BatchSize, lr,
            last.Train.Loss, last.Train.Accuracy, last.Test.Loss, last.Test.Accuracy,
            samples / trainSeconds, seconds, last.Validation?.Loss, last.Validation?.Accuracy, result.BestEpoch > 0 ? result.BestEpoch : null);
    }
}
