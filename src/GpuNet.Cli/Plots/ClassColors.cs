using ScottPlot;

namespace GpuNet.Cli.Plots;

/// <summary>
/// One colour per class, shared by the points and the predicted regions (a paler tint of the
/// same colour), so a point on the wrong side of the boundary stands out.
/// </summary>
internal static class ClassColors
{
    private static readonly Color[] Palette = new ScottPlot.Palettes.Category10().Colors;

    public static Color Point(int label) => Palette[label % Palette.Length];

    public static Color Region(int label) => Point(label).Lighten(0.75);

    /// <summary>Maps a heatmap of class indices 0..classes−1 (with ManualRange 0..classes−1) to region colours.</summary>
    public sealed class RegionColormap(int classes) : IColormap
    {
        public string Name => "classes";

        public Color GetColor(double normalized) =>
            Region((int)Math.Round(Math.Clamp(normalized, 0, 1) * Math.Max(1, classes - 1)));
    }
}
