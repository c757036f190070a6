namespace GpuNet.Cli.Commands;

/// <summary>A model's finished epochs read back from its run directory's metrics.csv, when a sweep resumes it.</summary>
internal static class SweepHistory
{
    public static IEnumerable<SweepEpoch> Read(string runDir, int throughEpoch)
    {
        string path = Path.Combine(runDir, RunSaver.MetricsFile);
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != MetricsCsv.Header) throw new DataException($"{path}: not a gpunet metrics file (its header differs)");
        var columns = MetricsCsv.Header.Split(',');
        int Column(string name) => Array.IndexOf(columns, name);
        return lines.Skip(1).Select(line => line.Split(',')).Where(cells => cells.Length == columns.Length).Select(cells =>
        {
            double? Cell(string name) => double.TryParse(cells[Column(name)], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
            return new SweepEpoch((int)Cell("epoch")!.Value, Cell("train_loss") ?? double.NaN, Cell("train_accuracy") ?? double.NaN,
                Cell("val_loss"), Cell("val_accuracy"), Cell("test_loss") is { } t && !double.IsNaN(t) ? t : null, Cell("test_accuracy") is { } a && !double.IsNaN(a) ? a : null);
        }).Where(e => e.Epoch <= throughEpoch).ToList();
    }
}
