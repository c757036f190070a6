using System.Globalization;
using GpuNet.Settings;

namespace GpuNet.Data;

/// <summary>
/// The named columns a model was trained on: its features in order, and the columns the training file held besides
/// them (the label, an id, ignored ones), which a later file may hold too.
/// </summary>
public sealed record FeatureColumns(IReadOnlyList<string> Features, IReadOnlyList<string> Skipped);

/// <summary>What each column of one CSV file is: <see cref="Roles"/> gives a feature's position, or <see cref="CsvColumns.Skip"/>.</summary>
/// <param name="Label">The label column, or -1 (a file of features only).</param>
/// <param name="Id">The id column, or -1.</param>
/// <param name="Names">The features' and skipped columns' header names; null for a file without a header.</param>
/// <param name="Header">The header row; null for a file without one.</param>
internal sealed record CsvLayout(int Label, int Id, int[] Roles, int FeatureCount, FeatureColumns? Names, string[]? Header);

/// <summary>
/// Resolves a <see cref="CsvFormat"/>'s columns against a file: a column is named by its header text, or by its
/// 0-based index (negative from the end). With <see cref="CsvFormat.Expected"/>, features are matched by name, in
/// any order, and a column that is neither expected nor one the model skipped is refused.
/// </summary>
internal static class CsvColumns
{
    public const int Skip = -1;

    public static CsvLayout Plan(string[]? header, int columns, CsvFormat format, string file, int line)
    {
        int label = format.LabelColumn == CsvFormat.NoLabelColumn ? -1
            : format.LabelName is { } labelName ? Resolve(labelName, header, columns, file, line, "label column")
            : Index(format.LabelColumn, columns, file, line);
        if (label >= 0 && columns < 2)
            throw new DataException($"{file}: line {line}: found 1 column; need a label column and at least one feature column");
        int id = format.IdColumn is { } idName ? Resolve(idName, header, columns, file, line, "id column") : -1;
        var skipped = new HashSet<int>(format.IgnoreColumns.Select(c => Resolve(c, header, columns, file, line, "ignored column"))) { label, id };
        var roles = new int[columns];
        if (format.Expected is { } expected && header is not null)
            return Match(header, expected, roles, skipped, label, id, file);
        int features = 0;
        for (int c = 0; c < columns; c++) roles[c] = skipped.Contains(c) ? Skip : features++;
        if (features == 0)
            throw new DataException($"{file}: line {line}: no feature column is left (the label, id and ignored columns take all {columns})");
        var names = header is null ? null
            : new FeatureColumns(Enumerable.Range(0, columns).Where(c => roles[c] != Skip).Select(c => header[c]).ToArray(),
                Enumerable.Range(0, columns).Where(c => roles[c] == Skip).Select(c => header[c]).ToArray());
        return new CsvLayout(label, id, roles, features, names, header);
    }

    /// <summary>The header's columns placed where the model expects them; missing and unknown columns are one error naming them all.</summary>
    private static CsvLayout Match(string[] header, FeatureColumns expected, int[] roles, HashSet<int> skipped, int label, int id, string file)
    {
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int f = 0; f < expected.Features.Count; f++) position.TryAdd(expected.Features[f], f);
        var known = new HashSet<string>(expected.Skipped, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        for (int c = 0; c < header.Length; c++)
        {
            roles[c] = Skip;
            if (skipped.Contains(c) || known.Contains(header[c])) continue;
            if (position.TryGetValue(header[c], out int f) && seen.Add(header[c])) roles[c] = f;
            else unknown.Add(header[c]);
        }
        var missing = expected.Features.Where(n => !seen.Contains(n)).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
            throw new DataException($"{file}: the header's columns do not match the model's features: "
                + string.Join("; ", new[] { ("missing", missing), ("unknown", unknown) }.Where(p => p.Item2.Count > 0).Select(p => $"{p.Item1} {List(p.Item2)}")));
        return new CsvLayout(label, id, roles, expected.Features.Count, expected, header);
    }

    /// <summary>
    /// For text in a numeric feature column of a training file (one whose first value was a number): how to read the column as
    /// categories, or drop it. A model's columns (predict, eval) have their kinds fixed, so the hint says so instead.
    /// </summary>
    public static SettingMessage TextHint(CsvLayout layout, int column, CsvFormat format)
    {
        if (format.Categories is not null) return $"; the model reads column {column + 1}{Named(layout, column)} as numbers";
        if (layout.Header is { } header)
            return $"; to one-hot encode column {ClassEncoding.Echo(header[column])} pass {Setting.Categorical} {ClassEncoding.Echo(header[column])}, or drop it with {Setting.IgnoreColumns}";
        return $"; to one-hot encode column {column + 1} pass {Setting.Categorical} {column} (0-based), or drop it with {Setting.IgnoreColumns}";
    }

    /// <summary>A label of names that no two rows share is an id: from this many rows on (a toy table may have one row per class), it is refused.</summary>
    private const int IdLabelRows = 20;

    /// <summary>
    /// Refuses a training file's label column whose names are all different, as an id's are: most often the label is
    /// another column (the default is column 0), and a text feature column is now one-hot encoded rather than an error.
    /// </summary>
    public static void RequireNoIdLabel(ClassEncoding classes, int rows, CsvLayout layout, string file)
    {
        if (classes.IsNumeric || classes.Count < rows || rows < IdLabelRows) return;
        string label = layout.Header is { } header ? ClassEncoding.Echo(header[layout.Label]) : $"{layout.Label + 1}";
        throw new DataException($"{file}: the label column {label} holds a different name on each of its {rows} rows, as an id column does: "
            + $"name the label with {Setting.LabelColumn}, and drop the id with {Setting.IdColumn} or {Setting.IgnoreColumns}");
    }

    /// <summary>" (\"size\")": a column's header name for a message, or nothing without a header.</summary>
    public static string Named(CsvLayout layout, int column) => layout.Header is { } header ? $" ({ClassEncoding.Echo(header[column])})" : "";

    /// <summary>The feature positions of <paramref name="names"/> (header names or indices); a column that is not a feature is refused.</summary>
    public static IEnumerable<int> Features(IReadOnlyList<string> names, CsvLayout layout, int columns, string file, int line)
    {
        foreach (string name in names)
        {
            int c = Resolve(name, layout.Header, columns, file, line, "categorical column");
            yield return layout.Roles[c] >= 0 ? layout.Roles[c]
                : throw new DataException($"{file}: categorical column {ClassEncoding.Echo(name)} is not a feature (it is the label, the id or an ignored column)");
        }
    }

    /// <summary>A column by index (an integer, as the options read it) or by header name.</summary>
    private static int Resolve(string column, string[]? header, int columns, string file, int line, string setting)
    {
        if (int.TryParse(column, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int index))
            return Index(index, columns, file, line, setting);
        if (header is not null && Array.IndexOf(header, column) is var named and >= 0) return named;
        throw new DataException(header is null
            ? $"{file}: {setting} {ClassEncoding.Echo(column)} names a column, but the file has no header row (give its index instead)"
            : $"{file}: {setting} {ClassEncoding.Echo(column)} is not a column; the header has {List(header)}");
    }

    private static int Index(int index, int columns, string file, int line, string setting = "label column")
    {
        int resolved = index < 0 ? columns + index : index;
        if (resolved < 0 || resolved >= columns)
            throw new DataException($"{file}: line {line}: {setting} {index} is out of range: rows have {columns} columns (use 0..{columns - 1}, or -1..-{columns} from the end)");
        return resolved;
    }

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Select(n => ClassEncoding.Echo(n)));
}
