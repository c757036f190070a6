namespace GpuNet.Data;

/// <summary>
/// Collects a label column while a CSV file streams past: each distinct text is kept once (looked up by span,
/// so a row costs no string), with the line it first appears on.
/// </summary>
internal sealed class CsvLabelBuilder
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _values = [];
    private readonly List<int> _firstLines = [];
    private readonly List<int> _rows = [];

    public int Count => _rows.Count;

    public void Add(ReadOnlySpan<char> cell, string file, int line, int column)
    {
        if (cell.IsEmpty)
            throw new DataException($"{CsvReader.Where(file, line, column)}: empty label");
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(cell, out int id))
        {
            if (_values.Count > ClassEncoding.MaxLabel)
                throw new DataException($"{CsvReader.Where(file, line, column)}: more than {ClassEncoding.MaxLabel + 1} distinct labels: is column {column + 1} the label column?");
            id = _values.Count;
            string value = cell.ToString();
            _ids.Add(value, id);
            _values.Add(value);
            _firstLines.Add(line);
        }
        _rows.Add(id);
    }

    /// <summary>A row of a file of features only.</summary>
    public void AddUnlabelled() => _rows.Add(0);

    public CsvLabelColumn Build(int column) => new(column, _values.ToArray(), _firstLines.ToArray(), _rows.ToArray());
}
