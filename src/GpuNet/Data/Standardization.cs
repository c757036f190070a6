namespace GpuNet.Data;

/// <summary>Whether features are standardised: <see cref="Auto"/> is on for tabular files (CSV, .npy), off for IDX images and the synthetic 2-D sets.</summary>
public enum StandardizeMode
{
    Auto,
    On,
    Off,
}

/// <summary>
/// A z-score per feature column, x' = (x − mean) / scale, as scikit-learn's <c>StandardScaler</c> computes it:
/// the mean and the population standard deviation (ddof 0) of the training rows, with a scale of 1 for a
/// constant column. Both are float32 and applied in float32, so the ONNX graph's Sub and Div give the same bits.
/// </summary>
public sealed record Standardization(float[] Mean, float[] Scale)
{
    public int FeatureCount => Mean.Length;

    /// <summary>Whether <paramref name="mode"/> standardises the data named by <paramref name="source"/> (a catalog name, a synthetic set or a file).</summary>
    public static bool Applies(StandardizeMode mode, string source) => mode switch
    {
        StandardizeMode.On => true,
        StandardizeMode.Off => false,
        _ => DataSources.IsTable(source),
    };

    /// <summary>Fits on <paramref name="train"/> alone: the validation and test rows never shape it.</summary>
    public static Standardization Fit(Dataset train)
    {
        var (mean, std) = ColumnMoments(train);
        return new Standardization(
            mean.Select(m => (float)m).ToArray(),
            std.Select(s => s > 0 ? (float)s : 1f).ToArray());
    }

    /// <summary>Standardises rows of <see cref="FeatureCount"/> values in place.</summary>
    public void Apply(Span<float> features)
    {
        if (features.Length % FeatureCount != 0)
            throw new ArgumentException($"{features.Length} values are not whole rows of {FeatureCount}", nameof(features));
        for (int start = 0; start < features.Length; start += FeatureCount)
        {
            var row = features.Slice(start, FeatureCount);
            for (int c = 0; c < row.Length; c++) row[c] = (row[c] - Mean[c]) / Scale[c];
        }
    }

    /// <summary>A float32 copy of <paramref name="data"/> standardised (training standardises in the gather; plots need the points themselves).</summary>
    public Dataset ApplyTo(Dataset data)
    {
        var features = (float[])data.ToFloat32().Clone();
        Apply(features);
        return new Dataset(data.Name, features, data.Labels, data.FeatureCount, data.ClassCount, data.ClassNames);
    }

    /// <summary>
    /// How far apart the columns' scales are: the largest standard deviation over the smallest non-zero one,
    /// with the two columns (0-based); 1 when fewer than two columns vary. Unscaled SGD struggles far above 1e3.
    /// </summary>
    public static (double Ratio, int Widest, int Narrowest, double WidestStd, double NarrowestStd) ScaleSpread(Dataset train)
    {
        var (_, std) = ColumnMoments(train);
        int widest = -1, narrowest = -1;
        for (int c = 0; c < std.Length; c++)
        {
            if (!(std[c] > 0)) continue;
            if (widest < 0 || std[c] > std[widest]) widest = c;
            if (narrowest < 0 || std[c] < std[narrowest]) narrowest = c;
        }
        return widest < 0 || widest == narrowest ? (1, 0, 0, 0, 0)
            : (std[widest] / std[narrowest], widest, narrowest, std[widest], std[narrowest]);
    }

    /// <summary>
    /// Column means and population standard deviations in float64, two passes (no cancellation from Σx²).
    /// A column whose values are all equal has a deviation of exactly 0, whatever the rounding of its mean.
    /// </summary>
    private static (double[] Mean, double[] Std) ColumnMoments(Dataset data)
    {
        int f = data.FeatureCount;
        var mean = new double[f];
        var variance = new double[f];
        if (data.Count == 0) return (mean, variance);
        var varies = new bool[f];
        var first = new float[f];
        var row = new float[f];
        data.ReadRow(0, first);
        for (int r = 0; r < data.Count; r++)
        {
            data.ReadRow(r, row);
            for (int c = 0; c < f; c++)
            {
                mean[c] += row[c];
                varies[c] |= row[c] != first[c];
            }
        }
        for (int c = 0; c < f; c++) mean[c] /= data.Count;
        for (int r = 0; r < data.Count; r++)
        {
            data.ReadRow(r, row);
            for (int c = 0; c < f; c++)
            {
                double d = row[c] - mean[c];
                variance[c] += d * d;
            }
        }
        return (mean, variance.Select((v, c) => varies[c] ? Math.Sqrt(v / data.Count) : 0).ToArray());
    }
}
