using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace GpuNet.Data;

/// <summary>The element types GpuNet reads from .npy files, by NumPy's type codes (u1 = uint8, ..., f8 = float64; little-endian).</summary>
public enum NpyType
{
    U1, I1, U2, I2, U4, I4, U8, I8, F2, F4, F8,
}

/// <summary>
/// The header of a NumPy .npy file (format versions 1.0, 2.0 and 3.0): a magic string, the version, the header length,
/// then a Python dict literal with 'descr' (the dtype), 'fortran_order' and 'shape'. <see cref="Read(string)"/> validates all of it,
/// and the shape against the file's length, before anything is mapped; every error names the file and the field.
/// </summary>
public sealed record NpyHeader(NpyType Type, long[] Shape, bool FortranOrder, long DataOffset)
{
    /// <summary>"\x93NUMPY".</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Longest header accepted: NumPy writes a few hundred bytes; a larger one is a corrupt length.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    public int ItemSize => ItemSizeOf(Type);
    public long Elements => Shape.Aggregate(1L, (product, dim) => product * dim);
    public long DataBytes => Elements * ItemSize;

    public static int ItemSizeOf(NpyType type) => type switch
    {
        NpyType.U1 or NpyType.I1 => 1,
        NpyType.U2 or NpyType.I2 or NpyType.F2 => 2,
        NpyType.U4 or NpyType.I4 or NpyType.F4 => 4,
        _ => 8,
    };

    public static bool IsInteger(NpyType type) => type < NpyType.F2;

    /// <summary>The dtype string NumPy writes for <paramref name="type"/> ('|u1', '&lt;f4', ...).</summary>
    public static string Descr(NpyType type) => (ItemSizeOf(type) == 1 ? "|" : "<") + Codes.First(c => c.Value == type).Key;

    private static readonly Dictionary<string, NpyType> Codes = new(StringComparer.Ordinal)
    {
        ["u1"] = NpyType.U1, ["i1"] = NpyType.I1, ["u2"] = NpyType.U2, ["i2"] = NpyType.I2,
        ["u4"] = NpyType.U4, ["i4"] = NpyType.I4, ["u8"] = NpyType.U8, ["i8"] = NpyType.I8,
        ["f2"] = NpyType.F2, ["f4"] = NpyType.F4, ["f8"] = NpyType.F8,
    };

    /// <summary>Reads and validates the header of the file at <paramref name="path"/> (a <see cref="DataException"/> otherwise).</summary>
    public static NpyHeader Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
            return Read(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DataException(File.Exists(path) || Directory.Exists(path) ? $"{path}: cannot open: {e.Message}" : $"{path}: file not found", e);
        }
    }

    /// <param name="file">A seekable stream at the start of the file: its length is checked against the shape.</param>
    public static NpyHeader Read(Stream file, string name)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = file.ReadAtLeast(prefix, 10, throwOnEndOfStream: false);
        if (got < 10 || !prefix[..6].SequenceEqual(Magic))
            throw new DataException($"{name}: not a .npy file: it does not start with the magic string \\x93NUMPY");
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new DataException($"{name}: header field 'version': {major}.{minor} is not supported: expected 1.0, 2.0 or 3.0");
        int lengthBytes = major == 1 ? 2 : 4;
        if (got < 8 + lengthBytes)
            throw new DataException($"{name}: truncated: the file ends inside the header length");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long dataOffset = 8 + lengthBytes + headerLength;
        if (headerLength > MaxHeaderBytes)
            throw new DataException($"{name}: header field 'header_len': {headerLength} bytes is over the limit of {MaxHeaderBytes}: the header is corrupt");
        if (dataOffset > file.Length)
            throw new DataException($"{name}: truncated: the header promises {headerLength} bytes, the file holds {file.Length - 8 - lengthBytes}");
        var text = new byte[headerLength];
        file.Position = 8 + lengthBytes;
        file.ReadExactly(text);
        // Versions 1 and 2 are latin-1, version 3 UTF-8; every valid header is ASCII either way.
        string dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(text);
        var fields = NpyDict.Parse(dict, name);

        var type = ParseDescr(Field(fields, "descr", name), name);
        bool fortran = Field(fields, "fortran_order", name) as bool?
            ?? throw new DataException($"{name}: header field 'fortran_order': expected True or False");
        var shape = Field(fields, "shape", name) as long[]
            ?? throw new DataException($"{name}: header field 'shape': expected a tuple of sizes");
        var header = new NpyHeader(type, shape, fortran, dataOffset);
        long promised = header.CheckedDataBytes(name);
        long available = file.Length - dataOffset;
        if (available < promised)
            throw new DataException($"{name}: truncated: header field 'shape' {header.ShapeText} promises {promised} bytes of data, the file holds {available}");
        if (available > promised)
            throw new DataException($"{name}: {available - promised} bytes of trailing data after the {promised} bytes header field 'shape' {header.ShapeText} promises");
        return header;
    }

    public string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    /// <summary>Elements × item size, refusing sizes whose product overflows (a corrupt shape).</summary>
    private long CheckedDataBytes(string name)
    {
        long bytes = ItemSize;
        foreach (long dim in Shape)
        {
            if (dim != 0 && bytes > long.MaxValue / dim)
                throw new DataException($"{name}: header field 'shape': {ShapeText} overflows: the header is corrupt");
            bytes *= dim;
        }
        return bytes;
    }

    private static object Field(Dictionary<string, object> fields, string key, string name) =>
        fields.TryGetValue(key, out var value) ? value : throw new DataException($"{name}: header field '{key}' is missing");

    private static NpyType ParseDescr(object value, string name)
    {
        if (value is not string descr)
            throw new DataException($"{name}: header field 'descr': a structured dtype is not supported: expected a plain numeric dtype");
        char order = descr.Length > 0 ? descr[0] : ' ';
        string code = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        if (!Codes.TryGetValue(code, out var type))
            throw new DataException($"{name}: header field 'descr': dtype {ClassEncoding.Echo(descr)} is not supported: expected an integer (u1..i8) or a float (f2, f4, f8)");
        bool bigEndian = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        if (bigEndian && ItemSizeOf(type) > 1)
            throw new DataException($"{name}: header field 'descr': dtype {ClassEncoding.Echo(descr)} is big-endian: only little-endian data is supported (numpy: a.astype(a.dtype.newbyteorder('<')))");
        return type;
    }

    /// <summary>The header for writing: the dict padded with spaces so the data starts at a multiple of 64 bytes, as NumPy aligns it.</summary>
    public static byte[] Format(NpyType type, long[] shape)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))})";
        string dict = $"{{'descr': '{Descr(type)}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string padded = dict.PadRight(total - 10 - 1) + "\n";
        var header = new byte[total];
        Magic.CopyTo(header);
        header[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)padded.Length);
        Encoding.ASCII.GetBytes(padded, header.AsSpan(10));
        return header;
    }
}
