using ScottPlot;

namespace GpuNet.Cli.Plots;

/// <summary>
/// The lecture's picture of a classifier on 2-D data: the class the model predicts at every point
/// of a grid covering the data, the points coloured by their label, equal units on both axes.
/// For logistic regression also the boundary θ·x + b = 0 and the direction of θ, which points
/// towards class 1.
/// </summary>
public static class DecisionBoundaryPlot
{
    public const int Resolution = 200;
    /// <summary>Image height; the width follows from the legend, up to <see cref="MaxWidth"/>, so the data area is square.</summary>
    public const int Height = 700;
    public const int MaxWidth = 1100;

    /// <summary>True when the model reads 2-D points, the only case this plot draws.</summary>
    public static bool Applies(ModelSpec spec) => spec.Inputs == 2;

    /// <summary>
    /// Writes the plot as a PNG. The predictions run on <paramref name="backend"/> with the
    /// network's current weights; <paramref name="test"/> points are drawn as open circles.
    /// </summary>
    public static void Save(string path, IBackend backend, Network network, Dataset train, Dataset? test = null,
        string? title = null, int resolution = Resolution)
    {
        if (!Applies(network.Spec))
            throw new ArgumentException($"a decision boundary needs 2 input features; the model has {network.Spec.Inputs}");
        bool withTest = test is { Count: > 0 };
        var plot = new Plot();
        var legend = new List<LegendItem>();
        DrawPoints(plot, train, MarkerShape.FilledCircle, legend);
        if (withTest)
        {
            DrawPoints(plot, test!, MarkerShape.OpenCircle, legend: null);
            legend.Add(new LegendItem { LabelText = "test points", MarkerShape = MarkerShape.OpenCircle, MarkerLineColor = Colors.Black, MarkerSize = 8, MarkerLineWidth = 1.5f });
        }
        var linear = network.Spec.Kind == ModelKind.Logistic ? LinearModel.Of(network) : null;
        if (linear is not null) legend.Add(linear.LegendItem());
        var (xMin, xMax, yMin, yMax) = PlaneGrid.SquareAround(withTest ? [train, test!] : [train]);
        plot.Axes.SquareUnits();
        plot.Title(title ?? network.Spec.Describe());
        plot.XLabel("x₁");
        plot.YLabel("x₂");
        plot.ShowLegend(Edge.Right);
        plot.Legend.ManualItems.AddRange(legend);

        // Layout passes, with the legend already complete since its width shapes the data area:
        // the first measures what the legend and labels take and narrows the image until the data
        // area is square; the second gives the view that equal units leave, so the predicted
        // regions can cover all of it rather than only the data's square.
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        PlotImage.Layout(path, plot, MaxWidth, Height);
        var area = plot.RenderManager.LastRender.DataRect;
        int width = Math.Clamp((int)Math.Round(MaxWidth - area.Width + area.Height), Height / 2, MaxWidth);
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        PlotImage.Layout(path, plot, width, Height);
        var view = plot.Axes.GetLimits();
        var grid = double.IsFinite(view.Left + view.Right + view.Bottom + view.Top)
            ? PlaneGrid.Over(view.Left, view.Right, view.Bottom, view.Top, resolution)
            : PlaneGrid.Over(xMin, xMax, yMin, yMax, resolution);
        int[] predicted;
        using (var classifier = new Classifier(backend, network))
            predicted = classifier.Predict(grid.Centres()).Labels;
        plot.MoveToBack(DrawRegions(plot, grid, predicted, network.Spec.Classes));
        linear?.Draw(plot, grid);
        PlotImage.SavePng(path, plot, width, Height);
    }

    private static ScottPlot.Plottables.Heatmap DrawRegions(Plot plot, PlaneGrid grid, int[] predicted, int classes)
    {
        var cells = new double[grid.Rows, grid.Columns];
        for (int row = 0; row < grid.Rows; row++)
            for (int col = 0; col < grid.Columns; col++)
                cells[row, col] = predicted[row * grid.Columns + col];
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ClassColors.RegionColormap(classes);
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(1, classes - 1));
        // The extent runs through the centres of the outer cells; the cells then tile the grid exactly.
        heatmap.Extent = new CoordinateRect(grid.XMin + grid.CellWidth / 2, grid.XMax - grid.CellWidth / 2,
            grid.YMin + grid.CellHeight / 2, grid.YMax - grid.CellHeight / 2);
        heatmap.Smooth = false;
        return heatmap;
    }

    /// <summary>The points of each class in its colour; with a <paramref name="legend"/>, one entry per class.</summary>
    private static void DrawPoints(Plot plot, Dataset set, MarkerShape shape, List<LegendItem>? legend)
    {
        for (int label = 0; label < set.ClassCount; label++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int i = 0; i < set.Count; i++)
            {
                if (set.Labels[i] != label) continue;
                xs.Add(set.Feature(i, 0));
                ys.Add(set.Feature(i, 1));
            }
            var color = ClassColors.Point(label);
            var points = plot.Add.Markers(xs.ToArray(), ys.ToArray(), shape, 6, color);
            points.MarkerLineWidth = 1.2f;
            legend?.Add(new LegendItem { LabelText = $"class {set.ClassNames[label]}", MarkerShape = shape, MarkerFillColor = color, MarkerLineColor = color, MarkerSize = 8 });
        }
    }

    /// <summary>The two ends of w₁x + w₂y + b = 0 inside the grid's square, or null when it misses it.</summary>
    /// <summary>
    /// Logistic regression's boundary w₁x₁ + w₂x₂ + b = 0 and θ = (w₁, w₂) as an arrow from the middle
    /// of the visible segment, pointing towards class 1. The arrow has a fixed share of the view:
    /// θ's length is in other units than x.
    /// </summary>
    private sealed record LinearModel(double W1, double W2, double B)
    {
        public static LinearModel Of(Network network)
        {
            var parameters = network.ExportParameters();
            var weight = parameters.Single(t => t.Name == ParameterNames.Weight(0)).Data;
            return new LinearModel(weight[0], weight[1], parameters.Single(t => t.Name == ParameterNames.Bias(0)).Data[0]);
        }

        public LegendItem LegendItem() => new()
        {
            LabelText = string.Create(CultureInfo.InvariantCulture, $"θ·x + b = 0, θ = ({W1:0.##}, {W2:0.##})"),
            LineColor = Colors.Black,
            LineWidth = 2.5f,
        };

        public void Draw(Plot plot, PlaneGrid grid)
        {
            if (ClipLine(W1, W2, B, grid) is not var (p, q)) return; // all-zero weights, or a boundary outside the view
            var line = plot.Add.Line(p, q);
            line.LineWidth = 2.5f;
            line.LineColor = Colors.Black;

            double norm = Math.Sqrt(W1 * W1 + W2 * W2);
            double length = 0.2 * Math.Min(grid.XMax - grid.XMin, grid.YMax - grid.YMin);
            (double ux, double uy) = (W1 / norm, W2 / norm);
            var start = new Coordinates((p.X + q.X) / 2, (p.Y + q.Y) / 2);
            var arrow = plot.Add.Arrow(start, new Coordinates(start.X + length * ux, start.Y + length * uy));
            arrow.ArrowFillColor = Colors.Black;
            arrow.ArrowLineColor = Colors.Black;
            arrow.ArrowWidth = 3;
            arrow.ArrowheadWidth = 14;
            arrow.ArrowheadLength = 16;
            var label = plot.Add.Text("θ", start.X + 1.12 * length * ux, start.Y + 1.12 * length * uy);
            label.LabelFontSize = 22;
            label.LabelBold = true;
            label.LabelAlignment = Alignment.MiddleCenter;
        }
    }

    internal static (Coordinates P, Coordinates Q)? ClipLine(double w1, double w2, double b, PlaneGrid grid)
    {
        var ends = new List<Coordinates>();
        if (Math.Abs(w2) > 1e-12)
            foreach (double x in new[] { grid.XMin, grid.XMax })
            {
                double y = -(b + w1 * x) / w2;
                if (y >= grid.YMin && y <= grid.YMax) ends.Add(new Coordinates(x, y));
            }
        if (Math.Abs(w1) > 1e-12)
            foreach (double y in new[] { grid.YMin, grid.YMax })
            {
                double x = -(b + w2 * y) / w1;
                if (x >= grid.XMin && x <= grid.XMax) ends.Add(new Coordinates(x, y));
            }
        if (ends.Count < 2) return null;
        // A line through a corner is found twice; take the two ends farthest apart.
        var pair = ends.SelectMany(p => ends, (p, q) => (P: p, Q: q)).MaxBy(e => Distance(e.P, e.Q));
        return Distance(pair.P, pair.Q) > 0 ? pair : null;
    }

    private static double Distance(Coordinates p, Coordinates q) => Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y));
}
