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

    private static List<RunEpoch> ReadMetrics(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) return [];
        var columns = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(columns, name);
        int epoch = Column("epoch"), valLoss = Column("val_loss"), valAcc = Column("val_accuracy"), testLoss = Column("test_loss"), testAcc = Column("test_accuracy"), elapsed = Column("elapsed_seconds");
        if (epoch < 0) throw new DataException($"{path}: no epoch column in its header");
        return lines.Skip(1).Select((line, row) =>
        {
            var cells = line.Split(',');
            double? Cell(int i) => i >= 0 && i < cells.Length && double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !double.IsNaN(v) ? v : null;
            return new RunEpoch((int)(Cell(epoch) ?? throw new DataException($"{path}: line {row + 2} has no epoch number")),
                Cell(valLoss), Cell(valAcc), Cell(testLoss), Cell(testAcc), Cell(elapsed));
        }).ToList();
    }
}
