using ScottPlot;

namespace GpuNet.Cli.Plots;

/// <summary>
/// Learning curves: loss (left) and accuracy (right) per epoch for the training set (measured
/// during the epoch), the validation split and the test set, side by side in one PNG. A dashed
/// line marks the epoch with the lowest validation loss.
/// </summary>
public static class CurvesPlot
{
    public const int Width = 1200;
    public const int Height = 460;

    private static readonly (string Name, Color Color, Func<EpochMetrics, Score?> Pick)[] Series =
    [
        ("train", ClassColors.Point(0), e => e.Train),
        ("validation", ClassColors.Point(1), e => e.Validation),
        ("test", ClassColors.Point(2), e => e.Test),
    ];

    public static void Save(string path, IReadOnlyList<EpochMetrics> history)
    {
        ArgumentOutOfRangeException.ThrowIfZero(history.Count);
        var plots = new Multiplot();
        plots.AddPlots(2);
        plots.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Panel(plots.GetPlot(0), history, "loss (cross-entropy)", s => s.Loss, "loss", Alignment.UpperRight);
        Panel(plots.GetPlot(1), history, "accuracy", s => 100 * s.Accuracy, "accuracy (%)", Alignment.LowerRight);
        PlotImage.SavePng(path, plots, Width, Height);
        foreach (var plot in plots.GetPlots()) plot.Dispose();
    }

    private static void Panel(Plot plot, IReadOnlyList<EpochMetrics> history, string title, Func<Score, double> value, string yLabel, Alignment legendAt)
    {
        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
        foreach (var (name, color, pick) in Series)
        {
            double[] ys = history.Select(e => pick(e) is { } s ? value(s) : double.NaN).ToArray();
            if (ys.All(double.IsNaN)) continue; // no validation split, or no test set
            var line = plot.Add.Scatter(epochs, ys, color);
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = history.Count <= 40 ? 5 : 0; // markers help on short runs, clutter long ones
        }
        if (BestEpoch(history) is { } best)
        {
            var marker = plot.Add.VerticalLine(best, 1, Colors.Gray, LinePattern.Dashed);
            marker.LegendText = $"best validation loss (epoch {best})";
        }
        plot.Title(title);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true }; // no epoch 1.5
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(legendAt);
        if (history.Count == 1) plot.Axes.SetLimitsX(epochs[0] - 1, epochs[0] + 1);
    }

    /// <summary>The epoch with the lowest validation loss, or null without a validation split.</summary>
    internal static int? BestEpoch(IReadOnlyList<EpochMetrics> history) =>
        history.Where(e => e.Validation is not null).MinBy(e => e.Validation!.Value.Loss)?.Epoch;
}
