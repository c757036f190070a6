using System.Globalization;

namespace GpuNet.Data;

/// <summary>Rows read from one CSV file: features [Count, FeatureCount] row-major and non-negative integer labels.</summary>
public sealed record CsvTable(string Name, float[] Features, int[] Labels, int FeatureCount)
{
    public int Count => Labels.Length;
    public int MaxLabel => Labels.Length == 0 ? -1 : Labels.Max();
}

/// <summary>How to read a CSV file: which column holds the label and whether the first row is a header.</summary>
public sealed record CsvFormat(int LabelColumn = 0, bool? Header = null)
{
    internal const int NoLabelColumn = int.MinValue;

    /// <summary>A file of features only (the input of predict): every column is a feature, and every row gets label 0.</summary>
    public static CsvFormat FeaturesOnly(bool? header = null) => new(NoLabelColumn, header);
}

/// <summary>
/// Reads numeric CSV files: every column is a float feature except one integer label column.
/// The file is streamed line by line into growing arrays. Errors are <see cref="DataException"/>s
/// naming the file, the line and (1-based) column. Parsing uses the invariant culture, so "1.5" is
/// one and a half everywhere and a decimal comma is an error, never silently a different number.
/// </summary>
public static class CsvReader
{
    /// <summary>Largest CSV file accepted; beyond this a text format is the wrong tool.</summary>
    public const long MaxFileBytes = 2L << 30;

    /// <summary>Largest label accepted, so a stray huge value cannot make a model with millions of outputs.</summary>
    public const int MaxLabel = 65535;

    private const int MaxCellEcho = 24;
    private static readonly char[] Separators = [',', ';', '\t'];

    /// <summary>
    /// Loads a CSV training file and either a separate test file or a seeded hold-out of
    /// <see cref="DataOptions.TestFraction"/>. The class count is max label + 1 over both files.
    /// </summary>
    public static DataSplit LoadSplit(string path, string? testPath, CsvFormat format, double testFraction, int seed)
    {
        CsvTable train = Read(path, format);
        CsvTable? test = testPath is null ? null : Read(testPath, format);
        if (test is not null && test.FeatureCount != train.FeatureCount)
            throw new DataException($"{test.Name}: rows have {test.FeatureCount} feature columns, but the training file {train.Name} has {train.FeatureCount}");

        int classCount = Math.Max(train.MaxLabel, test?.MaxLabel ?? -1) + 1;
        if (classCount < 2)
            throw new DataException($"{train.Name}: every label is 0; a classifier needs at least two classes (labels 0 and 1)");

        string name = path == InputFile.StandardInput ? train.Name : Path.GetFileName(path);
        if (test is not null)
            return new DataSplit(ToDataset(name, train, classCount), ToDataset(name, test, classCount));
        if (train.Count < 2)
            throw new DataException($"{train.Name}: only {train.Count} data row; need at least 2 to hold out a test split (or pass --test-data)");
        return DataSplitting.ShuffleSplit(name, train.Features, train.Labels, train.FeatureCount, classCount,
            classNames: null, testFraction, new SeededRandom(seed));
    }

    private static Dataset ToDataset(string name, CsvTable table, int classCount)
        => new(name, table.Features, table.Labels, table.FeatureCount, classCount);

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
        var labels = new List<int>();
        char separator = ',';
        int columns = 0, labelColumn = 0, lineNumber = 0;
        string? line;
        try
        {
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                if (columns == 0)
                {
                    // The first non-blank line fixes the separator, the column count and whether it is a header.
                    separator = SniffSeparator(line);
                    string[] first = SplitCells(line, separator);
                    columns = first.Length;
                    labelColumn = ResolveLabelColumn(format.LabelColumn, columns, name, lineNumber);
                    if (format.Header ?? first.Any(cell => !IsNumber(cell))) continue;
                    AddRow(first, lineNumber);
                    continue;
                }
                AddRow(SplitCells(line, separator), lineNumber);
            }
        }
        catch (IOException e)
        {
            throw new DataException($"{name}: cannot read after line {lineNumber}: {e.Message}", e);
        }
        if (columns == 0)
            throw new DataException($"{name}: empty file: no rows");
        if (labels.Count == 0)
            throw new DataException($"{name}: no data rows after the header");
        return new CsvTable(name, features.ToArray(), labels.ToArray(), labelColumn < 0 ? columns : columns - 1);

        void AddRow(string[] cells, int lineNo)
        {
            if (cells.Length != columns)
                throw new DataException($"{name}: line {lineNo}: expected {columns} columns, found {cells.Length}");
            if ((long)features.Count + columns - 1 > Array.MaxLength)
                throw new DataException($"{name}: line {lineNo}: more than {Array.MaxLength} feature values; the file is too large");
            for (int c = 0; c < cells.Length; c++)
            {
                if (c == labelColumn) labels.Add(ParseLabel(cells[c], name, lineNo, c));
                else features.Add(ParseFeature(cells[c], name, lineNo, c));
            }
            if (labelColumn < 0) labels.Add(0);
        }
    }

    /// <summary>The most frequent of comma, semicolon and tab in the first line; comma when none occurs.</summary>
    private static char SniffSeparator(string line)
    {
        char best = ',';
        int bestCount = 0;
        foreach (char candidate in Separators)
        {
            int count = line.AsSpan().Count(candidate);
            if (count > bestCount) (best, bestCount) = (candidate, count);
        }
        return best;
    }

    /// <summary>Splits, trims, and drops one pair of surrounding double quotes (quoted separators are not supported).</summary>
    private static string[] SplitCells(string line, char separator)
    {
        string[] cells = line.Split(separator);
        for (int i = 0; i < cells.Length; i++)
        {
            string cell = cells[i].Trim();
            if (cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"') cell = cell[1..^1].Trim();
            cells[i] = cell;
        }
        return cells;
    }

    private static int ResolveLabelColumn(int labelColumn, int columns, string name, int lineNumber)
    {
        if (labelColumn == CsvFormat.NoLabelColumn) return -1;
        if (columns < 2)
            throw new DataException($"{name}: line {lineNumber}: found 1 column; need a label column and at least one feature column");
        int resolved = labelColumn == -1 ? columns - 1 : labelColumn;
        if (resolved < 0 || resolved >= columns)
            throw new DataException($"{name}: line {lineNumber}: label column {labelColumn} is out of range: rows have {columns} columns (use 0..{columns - 1}, or -1 for the last)");
        return resolved;
    }

    private static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static float ParseFeature(string cell, string name, int line, int column)
    {
        double value = ParseNumber(cell, name, line, column, "value");
        float single = (float)value;
        if (!float.IsFinite(single))
            throw new DataException($"{Where(name, line, column)}: value {Echo(cell)} is out of the float32 range");
        return single;
    }

    private static int ParseLabel(string cell, string name, int line, int column)
    {
        double value = ParseNumber(cell, name, line, column, "label");
        if (value != Math.Floor(value))
            throw new DataException($"{Where(name, line, column)}: label {Echo(cell)} is not an integer; labels are class indices 0, 1, 2, ...");
        if (value < 0)
            throw new DataException($"{Where(name, line, column)}: label {Echo(cell)} is negative; labels are class indices 0, 1, 2, ...");
        if (value > MaxLabel)
            throw new DataException($"{Where(name, line, column)}: label {Echo(cell)} is over the limit of {MaxLabel}");
        return (int)value;
    }

    /// <summary>An invariant-culture number that is neither NaN nor infinite (overflowing literals such as 1e999 included).</summary>
    private static double ParseNumber(string cell, string name, int line, int column, string what)
    {
        if (cell.Length == 0)
            throw new DataException($"{Where(name, line, column)}: empty {what}");
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new DataException($"{Where(name, line, column)}: {what} {Echo(cell)} is not a number");
        if (!double.IsFinite(value))
            throw new DataException($"{Where(name, line, column)}: {what} {Echo(cell)} is NaN or infinite");
        return value;
    }

    private static string Where(string name, int line, int column) => $"{name}: line {line}, column {column + 1}";

    /// <summary>The cell quoted and cut short, so a mangled multi-megabyte cell cannot flood the one-line message.</summary>
    private static string Echo(string cell)
    {
        string shown = cell.Length <= MaxCellEcho ? cell : cell[..MaxCellEcho] + "...";
        var printable = new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return $"\"{printable}\"";
    }
}
