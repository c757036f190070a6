using GpuNet.Cli.Commands;
using ScottPlot;

namespace GpuNet.Cli.Plots;

/// <summary>
/// validation.png of a sweep: every model's validation loss per epoch, the others thin and pale, the best model
/// (lowest validation loss) bold and named in the legend with its options.
/// </summary>
public static class SweepPlot
{
    public const string FileName = "validation.png";
    public const int Width = 900;
    public const int Height = 560;

    /// <summary>Draws the curves; false (and no file) when no model has a validation loss yet (no validation split).</summary>
    public static bool Save(string path, SweepResults results)
    {
        var curves = results.Models.Where(m => m.History.Any(e => e.ValidationLoss is not null)).ToList();
        if (curves.Count == 0) return false;
        var plot = new Plot();
        var best = results.Best;
        foreach (var row in curves.OrderBy(r => r == best)) // the best one last, drawn on top
        {
            double[] epochs = row.History.Select(e => (double)e.Epoch).ToArray();
            double[] losses = row.History.Select(e => e.ValidationLoss ?? double.NaN).ToArray();
            bool isBest = row == best;
            var line = plot.Add.Scatter(epochs, losses, isBest ? ClassColors.Point(1) : ClassColors.Point(0).WithAlpha(0.35));
            line.LineWidth = isBest ? 3 : 1;
            line.MarkerSize = isBest && epochs.Length <= 40 ? 6 : 0;
            if (isBest) line.LegendText = $"best: model {row.Name} ({row.Model.Describe()})";
        }
        plot.Title($"validation loss of {curves.Count} models");
        plot.XLabel("epoch");
        plot.YLabel("validation loss (cross-entropy)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (curves.Max(r => r.History.Count) == 1) plot.Axes.SetLimitsX(0, 2);
        if (best is not null) plot.ShowLegend(Alignment.UpperRight);
        PlotImage.SavePng(path, plot, Width, Height);
        return true;
    }
}
