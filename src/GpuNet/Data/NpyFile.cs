using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace GpuNet.Data;

/// <summary>
/// A .npy file whose header has been validated (<see cref="NpyHeader.Read(string)"/>), then memory-mapped read-only:
/// rows are copied out of the mapping at their stored type (uint8 features stay bytes) or converted to float32
/// (float16, float64), so no intermediate copy of the file is ever read into memory.
/// </summary>
public sealed unsafe class NpyFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _data;

    private NpyFile(string path, NpyHeader header)
    {
        Path = path;
        Header = header;
        if (header.DataBytes == 0) return; // an empty mapping is not allowed, and there is nothing to read
        try
        {
            _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Dispose();
            throw new DataException($"{path}: cannot map: {e.Message}", e);
        }
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _data = start + _view.PointerOffset + header.DataOffset;
    }

    public string Path { get; }
    public NpyHeader Header { get; }

    /// <summary>Validates the header of <paramref name="path"/>, then maps it.</summary>
    public static NpyFile Open(string path) => new(path, NpyHeader.Read(path));

    /// <summary>Features: a 2-D C-order array of u1, f2, f4 or f8 with at least one row and column.</summary>
    public static NpyFile OpenFeatures(string path)
    {
        var header = NpyHeader.Read(path);
        if (header.Shape.Length != 2)
            throw new DataException($"{path}: header field 'shape': {header.ShapeText} is not 2-D: features are [rows, columns]");
        if (header.Type is not (NpyType.U1 or NpyType.F2 or NpyType.F4 or NpyType.F8))
            throw new DataException($"{path}: header field 'descr': {NpyHeader.Descr(header.Type)} features are not supported: expected uint8, float16, float32 or float64");
        if (header.FortranOrder && header.Shape[0] > 1 && header.Shape[1] > 1)
            throw new DataException($"{path}: header field 'fortran_order': True: features must be C-order rows (numpy: np.ascontiguousarray(a))");
        if (header.Shape[0] == 0 || header.Shape[1] == 0)
            throw new DataException($"{path}: header field 'shape': {header.ShapeText} holds no values");
        if (header.Shape[0] > int.MaxValue || header.Shape[1] > int.MaxValue)
            throw new DataException($"{path}: header field 'shape': {header.ShapeText} is over {int.MaxValue} rows or columns");
        return new NpyFile(path, header);
    }

    /// <summary>Labels: a 1-D array of any integer type.</summary>
    public static NpyFile OpenLabels(string path)
    {
        var header = NpyHeader.Read(path);
        if (header.Shape.Length != 1)
            throw new DataException($"{path}: header field 'shape': {header.ShapeText} is not 1-D: labels are one class index per row");
        if (!NpyHeader.IsInteger(header.Type))
            throw new DataException($"{path}: header field 'descr': {NpyHeader.Descr(header.Type)} labels are not supported: expected an integer type");
        if (header.Shape[0] > Array.MaxLength)
            throw new DataException($"{path}: header field 'shape': {header.ShapeText} is over {Array.MaxLength} labels");
        return new NpyFile(path, header);
    }

    public int Rows => (int)Header.Shape[0];
    public int Columns => Header.Shape.Length > 1 ? (int)Header.Shape[1] : 1;

    /// <summary>The raw bytes of row <paramref name="row"/> (of <see cref="Columns"/> elements).</summary>
    internal ReadOnlySpan<byte> RowBytes(int row) => RowsBytes(row, 1);

    /// <summary>The raw bytes of the <paramref name="count"/> consecutive rows from <paramref name="row"/>: one copy for a run of rows.</summary>
    internal ReadOnlySpan<byte> RowsBytes(int row, int count)
    {
        long size = (long)Columns * Header.ItemSize;
        return new ReadOnlySpan<byte>(_data + row * size, checked((int)(count * size)));
    }

    /// <summary>Row <paramref name="row"/> in float32 (f2, f4, f8 files); a NaN or infinite value is an error naming its row and column.</summary>
    internal void ReadFloatRow(int row, Span<float> destination)
    {
        ConvertRow(RowBytes(row), destination[..Columns]);
        for (int c = 0; c < Columns; c++)
            if (!float.IsFinite(destination[c]))
                throw new DataException(NotFinite(row, c, destination[c]));
    }

    /// <summary>
    /// Why a value did not become a finite float32: NaN or infinite in the file, or (float64) finite there but beyond
    /// float32's range, which the conversion turns into an infinity.
    /// </summary>
    private string NotFinite(int row, int column, float converted)
    {
        double stored = Header.Type == NpyType.F8 ? MemoryMarshal.Cast<byte, double>(RowBytes(row))[column] : converted;
        return double.IsFinite(stored)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{Path}: value at row {row}, column {column} is {stored:G17}, beyond float32's range (±{float.MaxValue:G9}): features are read as float32; scale them")
            : $"{Path}: value at row {row}, column {column} is {stored}: features must be finite";
    }

    /// <summary>
    /// The rows <paramref name="rows"/> in that order as a dataset: u1 features as bytes, the float types as float32.
    /// A NaN or infinite value is an error naming its row and column.
    /// </summary>
    public Dataset ReadFeatures(string name, ReadOnlySpan<int> rows, ClassLabels labels, int classCount, IReadOnlyList<string> classNames)
    {
        int cols = Columns;
        long values = (long)rows.Length * cols;
        if (values > Array.MaxLength)
            throw new DataException($"{Path}: {rows.Length} rows of {cols} values are over the limit of {Array.MaxLength} values in memory");
        if (Header.Type == NpyType.U1)
        {
            var bytes = new byte[values];
            for (int i = 0; i < rows.Length; i++) RowBytes(rows[i]).CopyTo(bytes.AsSpan(i * cols, cols));
            return new Dataset(name, bytes, 1f, labels, cols, classCount, classNames);
        }
        var floats = new float[values];
        for (int i = 0; i < rows.Length; i++) ReadFloatRow(rows[i], floats.AsSpan(i * cols, cols));
        return new Dataset(name, floats, labels, cols, classCount, classNames);
    }

    private void ConvertRow(ReadOnlySpan<byte> raw, Span<float> row)
    {
        switch (Header.Type)
        {
            case NpyType.F4: MemoryMarshal.Cast<byte, float>(raw).CopyTo(row); break;
            case NpyType.F2:
                var halves = MemoryMarshal.Cast<byte, Half>(raw);
                for (int c = 0; c < row.Length; c++) row[c] = (float)halves[c];
                break;
            default:
                var doubles = MemoryMarshal.Cast<byte, double>(raw);
                for (int c = 0; c < row.Length; c++) row[c] = (float)doubles[c];
                break;
        }
    }

    /// <summary>
    /// Every label, each checked to be a class index (≥ 0, and below <paramref name="classCount"/> when given), at the smallest
    /// width that holds the largest of them: a first pass checks and finds it, a second stores.
    /// </summary>
    public ClassLabels ReadLabels(int? classCount)
    {
        long limit = classCount ?? int.MaxValue, largest = 0;
        for (int i = 0; i < Rows; i++)
        {
            long value = Label(i);
            if (value < 0 || value >= limit)
                throw new DataException($"{Path}: label {value} at index {i} is out of range: expected 0..{limit - 1}");
            largest = Math.Max(largest, value);
        }
        ClassLabels.RequireFits(Rows, (int)largest, Path);
        return ClassLabels.Create(Rows, (int)largest, i => (int)Label(i));
    }

    private long Label(int i) => Header.Type switch
    {
        NpyType.U1 => _data[i],
        NpyType.I1 => ((sbyte*)_data)[i],
        NpyType.U2 => ((ushort*)_data)[i],
        NpyType.I2 => ((short*)_data)[i],
        NpyType.U4 => ((uint*)_data)[i],
        NpyType.I4 => ((int*)_data)[i],
        NpyType.U8 => (long)Math.Min(((ulong*)_data)[i], long.MaxValue),
        _ => ((long*)_data)[i],
    };

    public void Dispose()
    {
        if (_view is not null && _data != null) _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view?.Dispose();
        _map?.Dispose();
    }
}
