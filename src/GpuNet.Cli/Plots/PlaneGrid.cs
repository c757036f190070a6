namespace GpuNet.Cli.Plots;

/// <summary>
/// A rectangle of the plane cut into Columns × Rows equal cells: the places where a
/// decision-boundary plot asks the model for its class (at each cell's centre). Cells are
/// row-major with row 0 at the top (largest y), as a heatmap draws them.
/// </summary>
internal sealed record PlaneGrid(double XMin, double XMax, double YMin, double YMax, int Columns, int Rows)
{
    /// <summary>Margin around the data, as a share of its larger extent.</summary>
    public const double Margin = 0.1;

    public double CellWidth => (XMax - XMin) / Columns;
    public double CellHeight => (YMax - YMin) / Rows;

    /// <summary>A grid over the rectangle with <paramref name="resolution"/> cells along its longer side and near-square cells.</summary>
    public static PlaneGrid Over(double xMin, double xMax, double yMin, double yMax, int resolution)
    {
        double width = xMax - xMin, height = yMax - yMin;
        int columns = width >= height ? resolution : Math.Max(1, (int)Math.Round(resolution * width / height));
        int rows = height >= width ? resolution : Math.Max(1, (int)Math.Round(resolution * height / width));
        return new PlaneGrid(xMin, xMax, yMin, yMax, columns, rows);
    }

    /// <summary>
    /// The square centred on the points of <paramref name="sets"/> (2 features each) that holds them
    /// all with a margin: square, so that with equal axis units no side is squeezed.
    /// </summary>
    public static (double XMin, double XMax, double YMin, double YMax) SquareAround(IEnumerable<Dataset> sets)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var set in sets)
        {
            if (set.FeatureCount != 2) throw new ArgumentException($"{set.Name} has {set.FeatureCount} features; a plane needs 2");
            for (int i = 0; i < set.Count; i++)
            {
                xMin = Math.Min(xMin, set.Feature(i, 0));
                xMax = Math.Max(xMax, set.Feature(i, 0));
                yMin = Math.Min(yMin, set.Feature(i, 1));
                yMax = Math.Max(yMax, set.Feature(i, 1));
            }
        }
        if (!double.IsFinite(xMin + xMax + yMin + yMax)) (xMin, xMax, yMin, yMax) = (-1, 1, -1, 1); // no points at all
        double half = Math.Max(Math.Max(xMax - xMin, yMax - yMin), 1e-6) * (0.5 + Margin);
        double cx = (xMin + xMax) / 2, cy = (yMin + yMax) / 2;
        return (cx - half, cx + half, cy - half, cy + half);
    }

    /// <summary>The cell centres as model input: [Rows · Columns, 2] row-major, row 0 at the top.</summary>
    public float[] Centres()
    {
        var points = new float[2 * Rows * Columns];
        for (int row = 0; row < Rows; row++)
            for (int col = 0; col < Columns; col++)
            {
                int i = row * Columns + col;
                points[2 * i] = (float)(XMin + (col + 0.5) * CellWidth);
                points[2 * i + 1] = (float)(YMax - (row + 0.5) * CellHeight);
            }
        return points;
    }
}
