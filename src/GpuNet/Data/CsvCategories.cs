using System.Globalization;

namespace GpuNet.Data;

/// <summary>
/// Which feature columns of a CSV read hold categories, and each category's code: the reader stores a categorical cell
/// as its code (0, 1, 2, … in order of first appearance) and a missing cell as NaN, so the rows can be split and carved
/// like numbers before <see cref="TableEncoding"/> turns them into one-hot inputs. A column's kind is fixed by the user
/// (forced), by a model, or by its first non-missing cell: text makes it categorical, a number numeric.
/// One instance may serve several reads (a training file and its test file), which then share the codes.
/// </summary>
public sealed class CsvCategories
{
    private enum Kind : byte
    {
        Undecided,
        Number,
        Category,
    }

    /// <summary>Codes must stay exact in float32.</summary>
    private const int MaxCodes = 1 << 24;

    private readonly Kind[] _kinds;
    private readonly Dictionary<string, int>?[] _codes;
    private readonly List<string>?[] _texts;

    private CsvCategories(Kind[] kinds)
    {
        _kinds = kinds;
        _codes = new Dictionary<string, int>?[kinds.Length];
        _texts = new List<string>?[kinds.Length];
        for (int f = 0; f < kinds.Length; f++)
            if (kinds[f] == Kind.Category) (_codes[f], _texts[f]) = (new(StringComparer.Ordinal), []);
    }

    /// <summary>Kinds decided by the data, except the <paramref name="forced"/> features, which are categorical.</summary>
    public static CsvCategories Detect(int features, IEnumerable<int> forced)
    {
        var kinds = new Kind[features];
        foreach (int f in forced) kinds[f] = Kind.Category;
        return new CsvCategories(kinds);
    }

    /// <summary>A model's kinds, its categories coded first (so a code below a column's category count is that category's index).</summary>
    public static CsvCategories Of(TableEncoding encoding)
    {
        var categories = new CsvCategories(encoding.Columns.Select(c => c.IsCategorical ? Kind.Category : Kind.Number).ToArray());
        for (int f = 0; f < encoding.Columns.Count; f++)
            foreach (string category in encoding.Columns[f].Categories ?? []) categories.Code(f, category);
        return categories;
    }

    public int FeatureCount => _kinds.Length;

    public bool IsCategorical(int feature) => _kinds[feature] == Kind.Category;

    public bool AnyCategorical => Array.IndexOf(_kinds, Kind.Category) >= 0;

    /// <summary>The texts of a categorical feature's codes, in code order.</summary>
    public IReadOnlyList<string> Texts(int feature) => _texts[feature] ?? throw new ArgumentException($"feature {feature} is not categorical", nameof(feature));

    /// <summary>
    /// The value a present cell is stored as: its code in a categorical column, or null for a number in a numeric one
    /// (an undecided column takes the kind of this cell).
    /// </summary>
    internal float? Code(int feature, ReadOnlySpan<char> cell)
    {
        if (_kinds[feature] == Kind.Number) return null;
        bool number = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value);
        if (_kinds[feature] == Kind.Undecided)
        {
            _kinds[feature] = number ? Kind.Number : Kind.Category;
            if (!number) (_codes[feature], _texts[feature]) = (new(StringComparer.Ordinal), []);
        }
        if (_kinds[feature] == Kind.Number) return null;
        // A number is its category by value, as pandas reads a numeric column: 1, 1.0 and 01 are one category, "1".
        return Code(feature, number && double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : cell.ToString());
    }

    private int Code(int feature, string text)
    {
        var codes = _codes[feature]!;
        if (codes.TryGetValue(text, out int code)) return code;
        if (codes.Count == MaxCodes)
            throw new DataException($"feature column {feature + 1} holds more than {MaxCodes} distinct categories");
        codes.Add(text, codes.Count);
        _texts[feature]!.Add(text);
        return codes.Count - 1;
    }
}
