using System.Text.Json;
using System.Text.Json.Nodes;

namespace GpuNet.Cli.Commands;

/// <summary>One epoch of a run's metrics.csv, as <c>gpunet runs</c> compares and plots it.</summary>
public sealed record RunEpoch(int Epoch, double? ValLoss, double? ValAccuracy, double? TestLoss, double? TestAccuracy, double? ElapsedSeconds);

/// <summary>
/// A run directory as <c>gpunet runs</c> sees it: its options (run.json, either layout, in run.json's snake_case keys),
/// its epochs (metrics.csv) and the figures that compare it with others. A run still going, or stopped, has no
/// summary.json yet: its figures come from its last epoch.
/// </summary>
public sealed record RunRecord(string Name, string Path, JsonObject Options, IReadOnlyList<RunEpoch> Epochs, bool Finished)
{
    public RunEpoch? Last => Epochs.Count > 0 ? Epochs[^1] : null;

    /// <summary>The epoch with the lowest validation loss (the first of equals), or null without validation.</summary>
    public RunEpoch? Best => Epochs.Where(e => e.ValLoss is not null).MinBy(e => e.ValLoss);

    public static RunRecord Read(string directory, string name)
    {
        var request = RunManifest.Load(directory);
        var options = RunJson.Options(request);
        options.Remove("epochs"); // a figure column shows the epochs trained
        string metrics = System.IO.Path.Combine(directory, RunSaver.MetricsFile);
        var epochs = File.Exists(metrics) ? ReadMetrics(metrics) : [];
        return new RunRecord(name, directory, options, epochs, File.Exists(System.IO.Path.Combine(directory, RunSaver.SummaryFile)));
    }

    /// <summary>An option's value as text (lists comma-separated, as the command line takes them), or "" when the run has none.</summary>
    public string Option(string key) => Options[key] switch
    {
        null => "",
        JsonArray list => string.Join(",", list.Select(v => v?.ToJsonString() ?? "")),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var node => node.ToJsonString(),
    };

    private static List<RunEpoch> ReadMetrics(string path) =>
        [.. MetricsCsv.Read(path).Select(e => new RunEpoch(e.Epoch, e["val_loss"], e["val_accuracy"], e["test_loss"], e["test_accuracy"], e["elapsed_seconds"]))];
}
