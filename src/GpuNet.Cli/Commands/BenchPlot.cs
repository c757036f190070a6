using GpuNet.Bench;

namespace GpuNet.Cli.Commands;

/// <summary>The --plot chart: samples/s against batch size, one line per device, batch size on a log2 axis.</summary>
public static class BenchPlot
{
    public static void WriteThroughput(string path, string model, IReadOnlyList<TrainBenchResult> results)
    {
        var plot = new ScottPlot.Plot();
        foreach (var device in results.Select(r => r.Device).Distinct())
        {
            var points = results.Where(r => r.Device == device).OrderBy(r => r.BatchSize).ToArray();
            var line = plot.Add.Scatter(points.Select(p => Math.Log2(p.BatchSize)).ToArray(), points.Select(p => p.SamplesPerSecond).ToArray());
            line.LegendText = device;
        }
        // ScottPlot has no log axis: x is plotted as log2(batch) and ticked with the batch sizes themselves.
        var batches = results.Select(r => r.BatchSize).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            batches.Select(b => Math.Log2(b)).ToArray(), batches.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Title($"Training throughput, {model}");
        plot.XLabel("batch size");
        plot.YLabel("samples/s");
        plot.ShowLegend();
        var png = plot.GetImageBytes(900, 560, ScottPlot.ImageFormat.Png);
        IO.AtomicFile.Write(path, stream => stream.Write(png));
    }
}
