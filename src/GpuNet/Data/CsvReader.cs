using System.Globalization;
using GpuNet.Settings;
using nietras.SeparatedValues;

namespace GpuNet.Data;

/// <summary>Rows read from one CSV file: features [Count, FeatureCount] row-major and class indices.</summary>
/// <param name="Labels">Each row's class under <see cref="Classes"/> (0 for a file of features only).</param>
public sealed record CsvTable(string Name, float[] Features, int[] Labels, int FeatureCount)
{
    public int Count => Labels.Length;
    /// <summary>The label column as written, for encoding it with another file's classes; null for a file of features only.</summary>
    public CsvLabelColumn? LabelColumn { get; init; }
    /// <summary>The classes <see cref="Labels"/> index, fitted on this file alone.</summary>
    public ClassEncoding Classes { get; init; } = ClassEncoding.FromNames(["0"]);
    /// <summary>The header's names of the features (in <see cref="Features"/>' order) and of the other columns; null without a header.</summary>
    public FeatureColumns? Columns { get; init; }
    /// <summary>Each row's <see cref="CsvFormat.IdColumn"/> value as written; null without one.</summary>
    public IReadOnlyList<string>? Ids { get; init; }
    /// <summary>Which features are categorical, and the texts of the codes <see cref="Features"/> holds for them (NaN: missing).</summary>
    public CsvCategories Categories { get; init; } = CsvCategories.Detect(FeatureCount, []);
}

/// <summary>How to read a CSV file: which column holds the label and whether the first row is a header.</summary>
public sealed record CsvFormat(int LabelColumn = 0, bool? Header = null)
{
    internal const int NoLabelColumn = int.MinValue;

    /// <summary>A file of features only (the input of predict): every column is a feature, and every row gets label 0.</summary>
    public static CsvFormat FeaturesOnly(bool? header = null) => new(NoLabelColumn, header);

    /// <summary>The columns <paramref name="options"/> name (label, ignored, id, a model's expected features).</summary>
    public static CsvFormat Of(DataOptions options) => new(options.LabelColumn, options.Header)
    {
        LabelName = options.LabelName,
        IgnoreColumns = options.IgnoreColumns,
        IdColumn = options.IdColumn,
        Expected = options.ExpectedColumns,
        Categorical = options.Categorical,
        Categories = options.Encoding is { } model ? CsvCategories.Of(model) : null,
        AllowMissing = options.Impute is not null || options.Encoding?.Impute is not null,
    };

    /// <summary>The classes to encode labels with (a saved model's), instead of fitting them on the training file; null to fit.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>The label column by header name (or an index as text) instead of <see cref="LabelColumn"/>.</summary>
    public string? LabelName { get; init; }
    /// <summary>Columns (header names or indices) that are not features.</summary>
    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];
    /// <summary>A column (header name or index) whose values identify the rows (<see cref="CsvTable.Ids"/>); never a feature.</summary>
    public string? IdColumn { get; init; }
    /// <summary>A model's named columns: a file with a header gives its features in this order, matched by name; null reads them by position.</summary>
    public FeatureColumns? Expected { get; init; }
    /// <summary>Feature columns (header names or indices) whose values are categories even where they are numbers.</summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];
    /// <summary>The kinds and codes to read with (a training file's, for its test file; a model's); null: detect them.</summary>
    public CsvCategories? Categories { get; init; }
    /// <summary>Whether a missing feature cell (<see cref="MissingValues"/>) is read as NaN instead of refused.</summary>
    public bool AllowMissing { get; init; }
}

/// <summary>
/// Reads CSV files (RFC 4180: quoted fields, separators and line breaks inside quotes, doubled quotes) with Sep:
/// every column is a float feature except one label column, whose values are class indices or class names
/// (<see cref="ClassEncoding"/>). The separator is the most frequent of comma, semicolon, tab and bar outside
/// quotes in the first row. Errors are <see cref="DataException"/>s naming the file, the line and the (1-based)
/// column. Parsing uses the invariant culture, so "1.5" is one and a half everywhere and a decimal comma is an
/// error, never silently a different number.
/// </summary>
public static class CsvReader
{
    /// <summary>Largest CSV file accepted; beyond this a text format is the wrong tool.</summary>
    public const long MaxFileBytes = 2L << 30;

    /// <summary>
    /// Loads a CSV training file and either a separate test file or a seeded hold-out of
    /// <see cref="DataOptions.TestFraction"/>. The classes are fitted on the training file (integer labels: max + 1 over
    /// both files), unless <see cref="CsvFormat.Classes"/> gives them.
    /// </summary>
    public static DataSplit LoadSplit(string path, string? testPath, CsvFormat format, double testFraction, int seed)
    {
        CsvTable train = Read(path, format);
        // A test file with a header is matched to the training file's columns by name.
        CsvTable? test = testPath is null ? null : Read(testPath, format with { Expected = format.Expected ?? train.Columns, Categories = train.Categories });
        if (test is not null && test.FeatureCount != train.FeatureCount)
            throw new DataException($"{test.Name}: rows have {test.FeatureCount} feature columns, but the training file {train.Name} has {train.FeatureCount}");

        // Read fitted and encoded the training file's classes already; only a test file (whose integer labels may reach higher) refits them.
        var classes = format.Classes is { } names ? ClassEncoding.FromNames(names)
            : test is null ? train.Classes
            : ClassEncoding.Fit(train.LabelColumn!, train.Name, test.LabelColumn, test.Name);
        string name = path == InputFile.StandardInput ? train.Name : Path.GetFileName(path);
        int[] trainLabels = ReferenceEquals(classes, train.Classes) ? train.Labels : classes.Encode(train.LabelColumn!, train.Name);
        // Fitted classes must be learnt from two at least: all-0, all-1 and all-"cat" alike (a model's own classes, as eval
        // passes them, may meet a file that shows only one).
        if (format.Classes is null && ClassLabels.OnlyValue(trainLabels) is { } only)
            throw new DataException($"{train.Name}: every label is {ClassEncoding.Echo(classes.Names[only])}; a classifier needs at least two classes");
        if (test is not null)
            return new DataSplit(new Dataset(name, train.Features, trainLabels, train.FeatureCount, classes.Count, classes.Names),
                new Dataset(name, test.Features, classes.Encode(test.LabelColumn!, test.Name), test.FeatureCount, classes.Count, classes.Names)) { Columns = train.Columns, Categories = train.Categories };
        if (train.Count < 2)
            throw new DataException($"{train.Name}: only {train.Count} data row; need at least 2 to hold out a test split (or pass {Setting.TestData})");
        return DataSplitting.ShuffleSplit(new Dataset(name, train.Features, trainLabels, train.FeatureCount, classes.Count, classes.Names),
            testFraction, new SeededRandom(seed)) with { Columns = train.Columns, Categories = train.Categories };
    }

    /// <summary>Reads a CSV file, standard input ("-"), a pipe or a FIFO (each read once, see <see cref="InputFile"/>).</summary>
    public static CsvTable Read(string path, CsvFormat format)
    {
        using var stream = InputFile.OpenRead(path, MaxFileBytes);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Read(reader, path == InputFile.StandardInput ? "standard input" : path, format);
    }

    /// <summary>Parses CSV text; <paramref name="name"/> is the file name the messages show.</summary>
    public static CsvTable Read(TextReader reader, string name, CsvFormat format)
    {
        var features = new List<float>();
        var labels = new CsvLabelBuilder();
        List<string>? ids = null;
        CsvLayout? layout = null;
        CsvCategories categories = null!;
        float[] rowFeatures = [];
        int columns = 0, lineNumber = 0, nextLine = 1;
        try
        {
            using var csv = Sep.Reader(o => o with
            {
                HasHeader = false,
                Unescape = true,
                Trim = SepTrim.Outer, // whitespace outside quotes only: "a" and " a" stay two labels
                DisableColCountCheck = true, // checked here, for a message with the line
                CultureInfo = CultureInfo.InvariantCulture,
            }).From(reader);
            foreach (var row in csv)
            {
                // Where this row starts: where the last one ended (Sep 0.17 reports the first row's LineNumberFrom as 2).
                (lineNumber, nextLine) = (nextLine, row.LineNumberToExcl);
                if (row.ColCount == 1 && row[0].Span.IsWhiteSpace()) continue; // a blank line
                if (layout is null)
                {
                    // The first non-blank row fixes the column count and whether it is a header, which names the columns.
                    columns = row.ColCount;
                    int label = format.LabelName is not null || format.LabelColumn == CsvFormat.NoLabelColumn ? -1
                        : format.LabelColumn < 0 ? columns + format.LabelColumn : format.LabelColumn;
                    bool header = format.Header ?? (NamesAColumn(row, format) || IsHeader(row, label));
                    layout = CsvColumns.Plan(header ? Cells(row) : null, columns, format, name, lineNumber);
                    rowFeatures = new float[layout.FeatureCount];
                    // A reader that goes on with other kinds and codes must meet the same features (else the widths' error follows).
                    categories = format.Categories is { } given && given.FeatureCount == layout.FeatureCount ? given
                        : CsvCategories.Detect(layout.FeatureCount, CsvColumns.Features(format.Categorical, layout, columns, name, lineNumber));
                    if (layout.Id >= 0) ids = [];
                    if (header) continue;
                }
                if (row.ColCount != columns)
                    throw new DataException($"{name}: line {lineNumber}: expected {columns} columns, found {row.ColCount}");
                if ((long)features.Count + rowFeatures.Length > Array.MaxLength)
                    throw new DataException($"{name}: line {lineNumber}: more than {Array.MaxLength} feature values; the file is too large");
                for (int c = 0; c < columns; c++)
                    if (layout.Roles[c] >= 0) rowFeatures[layout.Roles[c]] = ParseFeature(row, c, layout, categories, format, name, lineNumber);
                features.AddRange(rowFeatures);
                if (layout.Label >= 0) labels.Add(row[layout.Label].Span, name, lineNumber, layout.Label);
                else labels.AddUnlabelled();
                ids?.Add(row[layout.Id].ToString().Trim());
            }
        }
        catch (IOException e)
        {
            throw new DataException($"{name}: cannot read after line {lineNumber}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{name}: after line {lineNumber}: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            // Sep holds a row in one buffer of at most 16 MiB: a longer row or field is most often a quote left open.
            throw new DataException($"{name}: line {nextLine}: a row or field over the parser's limit of 16 Mi characters (is a quote left unclosed?)", e);
        }
        if (layout is null)
            throw new DataException($"{name}: empty file: no rows");
        if (labels.Count == 0)
            throw new DataException($"{name}: no data rows after the header");
        if (layout.Label < 0)
            return new CsvTable(name, features.ToArray(), new int[labels.Count], layout.FeatureCount) { Columns = layout.Names, Ids = ids, Categories = categories };
        var column = labels.Build(layout.Label);
        var classes = ClassEncoding.Fit(column, name);
        // A training file only: a test file goes on with its training file's categories, eval and predict with a model's.
        if (format.Classes is null && format.Categories is null) CsvColumns.RequireNoIdLabel(classes, labels.Count, layout, name);
        return new CsvTable(name, features.ToArray(), classes.Encode(column, name), layout.FeatureCount)
            { LabelColumn = column, Classes = classes, Columns = layout.Names, Ids = ids, Categories = categories };
    }

    private static string[] Cells(SepReader.Row row)
    {
        var cells = new string[row.ColCount];
        for (int c = 0; c < cells.Length; c++) cells[c] = row[c].ToString().Trim();
        return cells;
    }

    /// <summary>A first row that holds a column the format names (the label's, the id's, an ignored one's) is a header.</summary>
    private static bool NamesAColumn(SepReader.Row row, CsvFormat format)
    {
        string?[] named = [format.LabelName, format.IdColumn, .. format.IgnoreColumns, .. format.Categorical];
        return Cells(row).Any(cell => Array.IndexOf(named, cell) >= 0 && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
    }

    /// <summary>
    /// A first row whose feature cells hold text and no number is a header (a label may be a name, so it does not count;
    /// missing cells do not either). A row of text and numbers is data: categorical columns hold text on every row.
    /// </summary>
    private static bool IsHeader(SepReader.Row row, int labelColumn)
    {
        bool text = false;
        for (int c = 0; c < row.ColCount; c++)
        {
            var cell = row[c].Span.Trim();
            if (c == labelColumn || MissingValues.Contains(cell)) continue;
            if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return false;
            text = true;
        }
        return text;
    }

    /// <summary>
    /// A category's code (<see cref="CsvCategories"/>), NaN for a missing cell where the format allows one, or an
    /// invariant-culture number that is finite (overflowing literals such as 1e999 included) and fits float32.
    /// </summary>
    private static float ParseFeature(SepReader.Row row, int column, CsvLayout layout, CsvCategories categories, CsvFormat format, string name, int line)
    {
        var cell = row[column].Span.Trim();
        if (MissingValues.Contains(cell))
            return format.AllowMissing ? float.NaN
                : throw new DataException($"{Where(name, line, column)}{CsvColumns.Named(layout, column)}: missing value{(cell.Length == 0 ? " (an empty cell)" : $" {ClassEncoding.Echo(cell.ToString())}")}; pass {Setting.Impute} mean, median or most-frequent to fill missing values");
        if (categories.Code(layout.Roles[column], cell) is { } code) return code;
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new DataException($"{Where(name, line, column)}: value {ClassEncoding.Echo(cell.ToString())} is not a number{CsvColumns.TextHint(layout, column, format)}");
        if (!double.IsFinite(value))
            throw new DataException($"{Where(name, line, column)}: value {ClassEncoding.Echo(cell.ToString())} is NaN or infinite");
        float single = (float)value;
        if (!float.IsFinite(single))
            throw new DataException($"{Where(name, line, column)}: value {ClassEncoding.Echo(cell.ToString())} is out of the float32 range");
        return single;
    }

    internal static string Where(string name, int line, int column) => $"{name}: line {line}, column {column + 1}";
}
