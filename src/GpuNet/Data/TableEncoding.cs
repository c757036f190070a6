using System.Globalization;

namespace GpuNet.Data;

/// <summary>How one raw feature column becomes model inputs: one number (<see cref="Categories"/> null) or one-hot over its categories.</summary>
/// <param name="Name">The header's name of the column; null for a file without a header.</param>
/// <param name="Categories">The categories in input order (sorted as scikit-learn sorts them); null for a numeric column.</param>
/// <param name="Fill">What a missing cell becomes: a numeric column's value, a categorical column's category (as text); null: no imputer.</param>
public sealed record ColumnEncoding(string? Name, IReadOnlyList<string>? Categories, string? Fill)
{
    public bool IsCategorical => Categories is not null;

    /// <summary>The inputs this column takes: one per category, or one.</summary>
    public int Width => Categories?.Count ?? 1;

    /// <summary>A numeric column's fill value.</summary>
    public float FillValue => float.Parse(Fill ?? "NaN", NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>
/// The encoding of a table's raw feature columns into the model's inputs, fitted on the training split
/// (<see cref="TableEncodings.Fit"/>): a categorical column one-hot, as scikit-learn's <c>OneHotEncoder(handle_unknown='ignore')</c>
/// (a category training never saw is all zeros), and missing cells filled as <c>SimpleImputer</c> fills them.
/// The inputs are the columns' in order: a numeric column's value, or a categorical column's one-hot block.
/// </summary>
public sealed record TableEncoding(IReadOnlyList<ColumnEncoding> Columns, ImputeStrategy? Impute)
{
    /// <summary>The model's input count.</summary>
    public int Width => Columns.Sum(c => c.Width);

    /// <summary>What each input is: "size" for a numeric column, "colour=red" for a category (a column without a name is its 1-based number).</summary>
    public IReadOnlyList<string> InputNames() => Columns.SelectMany((c, f) =>
    {
        string name = c.Name ?? (f + 1).ToString(CultureInfo.InvariantCulture);
        return c.Categories?.Select(category => $"{name}={category}") ?? [name];
    }).ToArray();

    /// <summary><paramref name="z"/> with the one-hot inputs left as they are (mean 0, scale 1): a category stays 1 and an unseen one all zeros.</summary>
    public Standardization KeepOneHot(Standardization z)
    {
        var (mean, scale) = ((float[])z.Mean.Clone(), (float[])z.Scale.Clone());
        int at = 0;
        foreach (var column in Columns)
        {
            if (column.IsCategorical) for (int i = at; i < at + column.Width; i++) (mean[i], scale[i]) = (0f, 1f);
            at += column.Width;
        }
        return new Standardization(mean, scale);
    }

    /// <summary><paramref name="raw"/>'s rows (codes of <paramref name="read"/>, NaN where missing) as model inputs, same labels and classes.</summary>
    public Dataset Apply(Dataset raw, CsvCategories read) =>
        new(raw.Name, Apply(raw.ToFloat32(), raw.Count, read), raw.Labels, Width, raw.ClassCount, raw.ClassNames);

    /// <summary>Rows of <see cref="Columns"/>.Count raw values (codes of <paramref name="read"/>, NaN where missing) as rows of <see cref="Width"/> inputs.</summary>
    public float[] Apply(float[] raw, int count, CsvCategories read)
    {
        int rawWidth = Columns.Count, width = Width;
        if (raw.Length != (long)count * rawWidth || read.FeatureCount != rawWidth)
            throw new ArgumentException($"{raw.Length} values are not {count} rows of {rawWidth} columns");
        var indices = Columns.Select((c, f) => c.IsCategorical ? CategoryIndices(c, read.Texts(f)) : null).ToArray();
        var fills = Columns.Select(c => c.IsCategorical ? (float)FillIndex(c) : c.FillValue).ToArray();
        var encoded = new float[(long)count * width];
        for (int r = 0; r < count; r++)
        {
            int at = r * width;
            for (int f = 0; f < rawWidth; f++)
            {
                float value = raw[(long)r * rawWidth + f];
                if (float.IsNaN(value)) value = fills[f]; // a categorical column's fill is an index already
                else if (indices[f] is { } index) value = index[(int)value];
                if (indices[f] is null) encoded[at] = value;
                else if (value >= 0) encoded[at + (int)value] = 1f; // -1: unseen (or missing without a fill): all zeros
                at += Columns[f].Width;
            }
        }
        return encoded;
    }

    /// <summary>For each code of <paramref name="texts"/>, the index of its category in <paramref name="column"/>, or -1.</summary>
    private static float[] CategoryIndices(ColumnEncoding column, IReadOnlyList<string> texts)
    {
        var index = column.Categories!.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return texts.Select(t => index.TryGetValue(t, out int i) ? i : -1f).ToArray();
    }

    private static int FillIndex(ColumnEncoding column) => column.Fill is { } fill ? column.Categories!.ToList().IndexOf(fill) : -1;
}
