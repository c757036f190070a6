namespace GpuNet.Data;

/// <summary>
/// The features of a set that stays in its memory-mapped .npy file (<see cref="NpyFile"/>): a training set larger than
/// the memory a run may use is read from here chunk by chunk, never whole. The set is the file rows <c>rows</c>
/// in ascending order, so a chunk of consecutive rows of the set is a nearly sequential read of the file (runs of
/// consecutive file rows are copied at once). The mapping lives as long as the process: the set is read every epoch.
/// </summary>
public sealed class MappedFeatures
{
    private readonly NpyFile _file;
    private readonly int[]? _rows; // ascending file rows of this set; null for every row of the file

    public MappedFeatures(NpyFile file, int[]? rows = null)
    {
        _file = file;
        _rows = rows;
    }

    public string Path => _file.Path;
    public int Count => _rows?.Length ?? _file.Rows;
    public int FeatureCount => _file.Columns;
    /// <summary>True for uint8 files (copied as bytes); float files are read as float32.</summary>
    public bool StoresBytes => _file.Header.Type == NpyType.U1;

    /// <summary>The set's rows <paramref name="rows"/> (ascending, so the new set stays in file order) over the same file.</summary>
    public MappedFeatures Subset(ReadOnlySpan<int> rows)
    {
        var fileRows = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            fileRows[i] = FileRow(rows[i]);
            if (i > 0 && rows[i] <= rows[i - 1]) throw new ArgumentException("the rows of a mapped subset must ascend", nameof(rows));
        }
        return new MappedFeatures(_file, fileRows);
    }

    /// <summary>Rows [start, start + count) of the set at their stored bytes (uint8 files).</summary>
    public void CopyRows(int start, int count, Span<byte> destination)
    {
        if (!StoresBytes) throw new InvalidOperationException($"{Path} does not store bytes");
        int cols = FeatureCount;
        for (int i = 0; i < count;)
        {
            int run = RunLength(start + i, count - i);
            _file.RowsBytes(FileRow(start + i), run).CopyTo(destination.Slice(i * cols, run * cols));
            i += run;
        }
    }

    /// <summary>Rows [start, start + count) of the set in float32 (float files; a NaN or infinite value is an error).</summary>
    public void CopyRows(int start, int count, Span<float> destination)
    {
        if (StoresBytes) throw new InvalidOperationException($"{Path} stores bytes");
        int cols = FeatureCount;
        for (int i = 0; i < count; i++) _file.ReadFloatRow(FileRow(start + i), destination.Slice(i * cols, cols));
    }

    /// <summary>Row <paramref name="row"/>'s feature values, bytes divided by <paramref name="byteDivisor"/>.</summary>
    public void ReadRow(int row, Span<float> destination, float byteDivisor)
    {
        if (StoresBytes) ByteFeatures.Convert(_file.RowBytes(FileRow(row)), destination, byteDivisor);
        else _file.ReadFloatRow(FileRow(row), destination);
    }

    private int FileRow(int row) => _rows is null ? row : _rows[row];

    /// <summary>How many of the set's rows from <paramref name="row"/> (at most <paramref name="most"/>) are consecutive in the file.</summary>
    private int RunLength(int row, int most)
    {
        if (_rows is null) return most;
        int run = 1;
        while (run < most && _rows[row + run] == _rows[row + run - 1] + 1) run++;
        return run;
    }
}
