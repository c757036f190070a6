using System.Globalization;
using System.Text;

namespace GpuNet.Tests.TestSupport;

/// <summary>
/// Tables of raw measurements as people bring them: a header, features whose scales run from 0.001 to
/// 2,500 (as in a medical table of cell measurements), and a class column. Each feature carries part of the
/// signal, so a scaled linear model separates the classes well, while raw SGD is thrown about by the widest column.
/// </summary>
public static class TabularCsv
{
    /// <summary>The column scales: six decades apart, widest last.</summary>
    public static readonly double[] Scales = [0.001, 0.02, 0.5, 1, 12, 90, 800, 2500];

    /// <param name="classes">The label written for each class, e.g. "benign", "malignant" or "0", "1".</param>
    /// <param name="shares">Each class's share of the rows (default: equal).</param>
    public static string Make(int rows, int seed, IReadOnlyList<string> classes, IReadOnlyList<double>? shares = null, double separation = 1.0)
    {
        var random = new Random(seed);
        shares ??= classes.Select(_ => 1.0 / classes.Count).ToArray();
        var text = new StringBuilder();
        text.AppendJoin(',', Scales.Select((_, j) => $"f{j}")).Append(",class\n");
        for (int r = 0; r < rows; r++)
        {
            int y = Draw(random, shares);
            for (int j = 0; j < Scales.Length; j++)
            {
                // Class y shifts feature j by a class- and feature-specific amount, in units of the column's spread.
                double shift = separation * Math.Cos(1.7 * j + 2.1 * y);
                double value = Scales[j] * (4 + shift + Gaussian(random));
                text.Append(value.ToString("G6", CultureInfo.InvariantCulture)).Append(',');
            }
            text.Append(classes[y]).Append('\n');
        }
        return text.ToString();
    }

    private static int Draw(Random random, IReadOnlyList<double> shares)
    {
        double u = random.NextDouble() * shares.Sum();
        for (int c = 0; c < shares.Count - 1; c++)
            if ((u -= shares[c]) < 0) return c;
        return shares.Count - 1;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
