using GpuNet.Cli.Commands;
using ScottPlot;

namespace GpuNet.Cli.Plots;

/// <summary>
/// <c>gpunet runs --plot</c>: the validation loss (left) and accuracy (right) per epoch of several runs, one colour
/// per run, overlaid in one PNG as TensorBoard overlays the runs it shows. Runs without validation are left out.
/// </summary>
public static class RunsPlot
{
    public static void Save(string path, IReadOnlyList<RunRecord> runs)
    {
        var shown = runs.Where(r => r.Epochs.Any(e => e.ValLoss is not null)).ToList();
        if (shown.Count == 0) throw new UsageException("--plot: none of the runs has validation figures (they trained with --val-fraction 0)");
        var plots = new Multiplot();
        plots.AddPlots(2);
        plots.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Panel(plots.GetPlot(0), shown, "validation loss", e => e.ValLoss, "loss", Alignment.UpperRight);
        Panel(plots.GetPlot(1), shown, "validation accuracy", e => 100 * e.ValAccuracy, "accuracy (%)", Alignment.LowerRight);
        PlotImage.SavePng(path, plots, CurvesPlot.Width, CurvesPlot.Height);
    }

    private static void Panel(Plot plot, List<RunRecord> runs, string title, Func<RunEpoch, double?> value, string yLabel, Alignment legendAt)
    {
        for (int i = 0; i < runs.Count; i++)
        {
            var epochs = runs[i].Epochs;
            var line = plot.Add.Scatter(epochs.Select(e => (double)e.Epoch).ToArray(), epochs.Select(e => value(e) ?? double.NaN).ToArray(), ClassColors.Point(i));
            line.LegendText = runs[i].Name;
            line.LineWidth = 2;
            line.MarkerSize = epochs.Count <= 40 ? 5 : 0;
        }
        plot.Title(title);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(legendAt);
    }
}
