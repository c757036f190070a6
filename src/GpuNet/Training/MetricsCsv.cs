using System.Globalization;
using System.Text;

namespace GpuNet.Training;

/// <summary>metrics.csv: one row per epoch, rewritten after every epoch with the checkpoints (one generation), so a crash keeps the epochs already done.</summary>
public static class MetricsCsv
{
    public const string Header = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr,samples_per_second,train_seconds,epoch_seconds,elapsed_seconds";

    public static string Format(IEnumerable<EpochMetrics> history)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var e in history)
        {
            text.AppendJoin(',', new[]
            {
                e.Epoch.ToString(CultureInfo.InvariantCulture),
                F(e.Train.Loss), F(e.Train.Accuracy),
                e.Validation is { } v ? F(v.Loss) : "", e.Validation is { } va ? F(va.Accuracy) : "",
                F(e.Test.Loss), F(e.Test.Accuracy), F(e.LearningRate),
                F(e.SamplesPerSecond), F(e.TrainSeconds), F(e.EpochSeconds), F(e.ElapsedSeconds),
            }).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// The file's new text: <paramref name="history"/> after the rows an earlier sitting of the same run left in
    /// <paramref name="path"/> for epochs before <paramref name="firstEpoch"/> (a resumed run keeps its past).
    /// </summary>
    public static string Continue(string path, IReadOnlyList<EpochMetrics> history, int firstEpoch)
    {
        var earlier = File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => int.TryParse(line.Split(',')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) && epoch < firstEpoch).ToList()
            : [];
        var text = Format(history);
        if (earlier.Count > 0) text = Header + "\n" + string.Join("", earlier.Select(l => l + "\n")) + text[(Header.Length + 1)..];
        return text;
    }

    /// <summary>
    /// The rows of a metrics.csv, each column read by its header name, so a file written before a column was added
    /// still reads. The one reader of the file: a resumed sweep and <c>gpunet runs</c> both read through it.
    /// </summary>
    public static IReadOnlyList<MetricsRow> Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) return [];
        var columns = lines[0].Split(',');
        if (!columns.Contains("epoch")) throw new DataException($"{path}: not a metrics file: its header has no epoch column");
        var rows = new List<MetricsRow>(lines.Length - 1);
        for (int r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            var values = new Dictionary<string, double?>(columns.Length);
            for (int c = 0; c < columns.Length; c++)
                values[columns[c]] = c < cells.Length && double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !double.IsNaN(v) ? v : null;
            rows.Add(new MetricsRow((int)(values["epoch"] ?? throw new DataException($"{path}: line {r + 1} has no epoch number")), values));
        }
        return rows;
    }

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
