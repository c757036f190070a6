namespace GpuNet.Cli.Commands;

/// <summary>A model's finished epochs read back from its run directory's metrics.csv, when a sweep resumes it.</summary>
internal static class SweepHistory
{
    public static IEnumerable<SweepEpoch> Read(string runDir, int throughEpoch)
    {
        string path = Path.Combine(runDir, RunSaver.MetricsFile);
        if (!File.Exists(path)) return [];
        return MetricsCsv.Read(path).Where(e => e.Epoch <= throughEpoch).Select(e => new SweepEpoch(e.Epoch,
            e["train_loss"] ?? double.NaN, e["train_accuracy"] ?? double.NaN, e["val_loss"], e["val_accuracy"], e["test_loss"], e["test_accuracy"])).ToList();
    }
}
