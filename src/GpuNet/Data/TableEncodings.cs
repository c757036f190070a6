using System.Globalization;

namespace GpuNet.Data;

/// <summary>Fits a <see cref="TableEncoding"/> on the training rows, as scikit-learn's OneHotEncoder and SimpleImputer fit.</summary>
public static class TableEncodings
{
    /// <summary>
    /// The encoding of <paramref name="train"/>'s raw columns (as <paramref name="read"/> coded them), or null when there is
    /// nothing to encode (no categorical column, no <paramref name="impute"/>): the rows are then the inputs as they are.
    /// A categorical column's categories are those its training rows hold; the fill values come from those rows alone.
    /// </summary>
    /// <param name="names">The header's feature names; null without a header.</param>
    public static TableEncoding? Fit(Dataset train, CsvCategories read, ImputeStrategy? impute, IReadOnlyList<string>? names)
    {
        if (!read.AnyCategorical && impute is null) return null;
        var columns = new ColumnEncoding[train.FeatureCount];
        var values = new float[train.Count];
        for (int f = 0; f < columns.Length; f++)
        {
            for (int r = 0; r < values.Length; r++) values[r] = train.Feature(r, f);
            string? name = names?[f];
            var present = values.Where(v => !float.IsNaN(v)).ToArray();
            if (present.Length == 0)
                throw new DataException($"{train.Name}: feature column {Describe(name, f)} has no value in the training rows: drop it, or give it values");
            columns[f] = read.IsCategorical(f) ? Categorical(name, present, read.Texts(f), impute) : Numeric(name, present, impute);
        }
        return new TableEncoding(columns, impute);
    }

    /// <summary>
    /// Fits the encoding on <paramref name="train"/> (the training rows of <paramref name="loaded"/>, validation carved out)
    /// and encodes them, <paramref name="validation"/> and the test set; everything as it was when there is nothing to encode.
    /// </summary>
    public static (DataSplit Loaded, Dataset Train, Dataset? Validation) Encode(DataSplit loaded, Dataset train, Dataset? validation, ImputeStrategy? impute)
    {
        if (loaded.Categories is not { } read || Fit(train, read, impute, loaded.Columns?.Features) is not { } encoding) return (loaded, train, validation);
        return (loaded with { Test = encoding.Apply(loaded.Test, read), Encoding = encoding }, encoding.Apply(train, read),
            validation is null ? null : encoding.Apply(validation, read));
    }

    private static ColumnEncoding Categorical(string? name, float[] codes, IReadOnlyList<string> texts, ImputeStrategy? impute)
    {
        var counts = new int[texts.Count];
        foreach (float code in codes) counts[(int)code]++;
        // The codes training saw, in category order; the fill is the most frequent, the first in that order on a tie (SimpleImputer's most_frequent).
        var seen = Enumerable.Range(0, texts.Count).Where(c => counts[c] > 0).OrderBy(c => texts[c], CategoryOrder.Instance).ToArray();
        int mostFrequent = seen[0];
        foreach (int c in seen) if (counts[c] > counts[mostFrequent]) mostFrequent = c;
        string? fill = impute is null ? null : texts[mostFrequent];
        var categories = seen.Select(c => texts[c]).ToArray();
        return new ColumnEncoding(name, categories, fill);
    }

    private static ColumnEncoding Numeric(string? name, float[] values, ImputeStrategy? impute)
    {
        float? fill = impute switch
        {
            null => null,
            ImputeStrategy.Mean => (float)values.Average(v => (double)v),
            ImputeStrategy.Median => Median(values),
            _ => values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key,
        };
        return new ColumnEncoding(name, null, fill?.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>numpy's median: the middle value, or the mean of the two middle values (in float64) of an even count.</summary>
    private static float Median(float[] values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (float)(((double)sorted[mid - 1] + sorted[mid]) / 2);
    }

    internal static string Describe(string? name, int feature) =>
        name is null ? (feature + 1).ToString(CultureInfo.InvariantCulture) : ClassEncoding.Echo(name);
}

/// <summary>
/// The order of a column's categories, as scikit-learn sorts them: numbers by value (a numeric column), text by code
/// point (a string column); in a column that mixes both (which scikit-learn refuses), the numbers first.
/// </summary>
public sealed class CategoryOrder : IComparer<string>
{
    public static CategoryOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        bool xNumber = double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out double a);
        bool yNumber = double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out double b);
        return xNumber && yNumber ? a.CompareTo(b)
            : xNumber != yNumber ? (xNumber ? -1 : 1)
            : CodePoints(x ?? "", y ?? "");
    }

    /// <summary>Python's str order: by code point (UTF-16 order differs where a surrogate pair meets U+E000..U+FFFF).</summary>
    private static int CodePoints(string x, string y)
    {
        var (a, b) = (x.EnumerateRunes(), y.EnumerateRunes());
        while (true)
        {
            bool moreA = a.MoveNext(), moreB = b.MoveNext();
            if (!moreA || !moreB) return moreA.CompareTo(moreB);
            if (a.Current.Value != b.Current.Value) return a.Current.Value.CompareTo(b.Current.Value);
        }
    }
}
