using System.Globalization;

namespace GpuNet.Data;

/// <summary>
/// A CSV file's label column as read: each distinct cell text once, in first-seen order, with the line it first
/// appears on, and each row's index into that list. Encoding into class indices is <see cref="ClassEncoding"/>'s job.
/// </summary>
public sealed record CsvLabelColumn(int Column, IReadOnlyList<string> Values, IReadOnlyList<int> FirstLines, int[] Rows);

/// <summary>
/// How label texts become class indices, as scikit-learn's <c>LabelEncoder</c> does it: a column of non-negative
/// integers (1 and 1.0 alike) keeps its numbers (classes 0..max, named "0", "1", ...); any other column's distinct
/// values are the classes in sorted order (ordinal order for text, numeric order for numbers such as -1 and 1).
/// </summary>
public sealed class ClassEncoding
{
    /// <summary>Largest integer label, and most distinct names, accepted: a stray huge value must not make a model with millions of outputs.</summary>
    public const int MaxLabel = 65535;

    private readonly Dictionary<string, int>? _byName; // null: the labels are the class indices themselves

    private ClassEncoding(IReadOnlyList<string> names, bool numeric)
    {
        Names = names;
        _byName = numeric ? null : names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The class names, index order: "0", "1", ... for integer labels.</summary>
    public IReadOnlyList<string> Names { get; }
    public int Count => Names.Count;
    /// <summary>True when the labels are class indices written as numbers.</summary>
    public bool IsNumeric => _byName is null;

    /// <summary>
    /// The classes of a training file's labels. Integer labels take their class count from the training and the test
    /// labels together (a class may be missing from either); named classes come from the training file alone.
    /// </summary>
    public static ClassEncoding Fit(CsvLabelColumn train, string file, CsvLabelColumn? test = null, string? testFile = null)
    {
        var numbers = Numbers(train, file);
        if (numbers is not null && numbers.All(v => v >= 0))
        {
            double max = CheckLimit(numbers, train, file);
            if (test is not null && Numbers(test, testFile ?? file) is { } testNumbers && testNumbers.All(v => v >= 0))
                max = Math.Max(max, CheckLimit(testNumbers, test, testFile ?? file));
            return Indices((int)max + 1);
        }
        if (train.Values.Count > MaxLabel + 1)
            throw new DataException($"{file}: column {train.Column + 1} holds more than {MaxLabel + 1} distinct labels: is it the label column?");
        var order = numbers is not null
            ? Enumerable.Range(0, train.Values.Count).OrderBy(i => numbers[i])
            : Enumerable.Range(0, train.Values.Count).OrderBy(i => train.Values[i], StringComparer.Ordinal);
        return new ClassEncoding(order.Select(i => train.Values[i]).ToArray(), numeric: false);
    }

    /// <summary>The encoding of a model's classes (<see cref="Checkpoints.ModelCheckpoint.ClassNames"/>): indices when they are "0", "1", ...</summary>
    public static ClassEncoding FromNames(IReadOnlyList<string> names) =>
        names.Select((n, i) => n == Index(i)).All(b => b) ? Indices(names.Count) : new ClassEncoding(names.ToArray(), numeric: false);

    private static ClassEncoding Indices(int count) => new(Enumerable.Range(0, count).Select(Index).ToArray(), numeric: true);

    /// <summary>
    /// Each row's class index, or a <see cref="DataException"/> naming the line of a label that is not one of the classes.
    /// A column whose every value is a class name is read by name; otherwise non-negative integers are class indices,
    /// so a model whose classes have names (fashion-mnist's, a synthetic set's) still reads a CSV of their indices.
    /// </summary>
    public int[] Encode(CsvLabelColumn column, string file)
    {
        bool indices = column.Values.All(v => ParseIndex(v) < Count);
        bool byName = _byName is not null && !(indices && !column.Values.All(_byName.ContainsKey));
        var classes = new int[column.Values.Count];
        for (int i = 0; i < classes.Length; i++)
        {
            string value = column.Values[i];
            int found = byName ? _byName!.GetValueOrDefault(value, -1) : ParseIndex(value) is { } index && index < Count ? index : -1;
            if (found < 0)
                throw new DataException($"{Where(file, column.FirstLines[i], column.Column)}: label {Echo(value)} is not one of the {Count} classes ({Describe()})");
            classes[i] = found;
        }
        return Array.ConvertAll(column.Rows, id => classes[id]);
    }

    private string Describe() => IsNumeric ? $"0..{Count - 1}" : string.Join(", ", Names.Take(8).Select(Echo)) + (Count > 8 ? ", ..." : "");

    /// <summary>Every value as a finite number, or null when one is not a number; a non-integral number is an error.</summary>
    private static List<double>? Numbers(CsvLabelColumn column, string file)
    {
        var numbers = new List<double>(column.Values.Count);
        for (int i = 0; i < column.Values.Count; i++)
        {
            if (!double.TryParse(column.Values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)) return null;
            numbers.Add(v);
        }
        int fraction = numbers.FindIndex(v => v != Math.Floor(v));
        if (fraction >= 0)
            throw new DataException($"{Where(file, column.FirstLines[fraction], column.Column)}: label {Echo(column.Values[fraction])} is not an integer; labels are class indices 0, 1, 2, ... or class names");
        return numbers;
    }

    /// <summary>The largest of the numbers, or an error naming the first over <see cref="MaxLabel"/>.</summary>
    private static double CheckLimit(List<double> numbers, CsvLabelColumn column, string file)
    {
        int over = numbers.FindIndex(v => v > MaxLabel);
        if (over >= 0)
            throw new DataException($"{Where(file, column.FirstLines[over], column.Column)}: label {Echo(column.Values[over])} is over the limit of {MaxLabel}");
        return numbers.Max();
    }

    private static int? ParseIndex(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && v <= MaxLabel && v == Math.Floor(v) ? (int)v : null;

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string Where(string file, int line, int column) => CsvReader.Where(file, line, column);

    /// <summary>The cell quoted and cut short, so a mangled multi-megabyte cell cannot flood the one-line message.</summary>
    internal static string Echo(string cell)
    {
        const int MaxCellEcho = 24;
        string shown = cell.Length <= MaxCellEcho ? cell : cell[..MaxCellEcho] + "...";
        return $"\"{new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray())}\"";
    }
}
