using System.Buffers.Binary;
using System.IO.Compression;

namespace GpuNet.Data;

/// <summary>Images from an IDX file: <see cref="Pixels"/> is [Count, Rows × Columns] row-major, the bytes as stored.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    public int PixelsPerImage => Rows * Columns;

    /// <summary>Each pixel scaled to [0, 1]: byte / <see cref="IdxReader.PixelDivisor"/> in float32.</summary>
    public float[] ToUnit()
    {
        var values = new float[Pixels.Length];
        ByteFeatures.Convert(Pixels, values, IdxReader.PixelDivisor);
        return values;
    }
}

/// <summary>
/// Reads MNIST-style IDX files (unsigned-byte images with 3 dimensions, labels with 1), raw or gzipped.
/// Gzip is recognised by its magic bytes, not by the file name. Every size in the header is checked
/// before anything that size is allocated, so a corrupt header fails with a <see cref="DataException"/>
/// instead of an out-of-memory crash.
/// </summary>
public static class IdxReader
{
    /// <summary>Element type code for unsigned bytes, the only type MNIST and Fashion-MNIST use.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>Most elements a header may declare: the longest array .NET can hold.</summary>
    public static readonly long MaxElements = Array.MaxLength;

    /// <summary>Gzip payloads have no trustworthy size up front, so their buffer starts at this size and doubles as data arrives.</summary>
    private const int InitialGzipBuffer = 1 << 20;

    /// <summary>A pixel's feature value is its byte divided by this, in float32.</summary>
    public const float PixelDivisor = 255f;

    public static IdxImages ReadImages(string path) => WithFile(path, stream => ReadImages(stream, path));

    public static ClassLabels ReadLabels(string path, int classCount) => WithFile(path, stream => ReadLabels(stream, path, classCount));

    /// <summary>Reads an image file and its label file into one dataset; the two must hold the same number of items.</summary>
    public static Dataset ReadDataset(string name, string imagesPath, string labelsPath, IReadOnlyList<string> classNames)
        => WithFile(imagesPath, images => WithFile(labelsPath, labels =>
            ReadDataset(name, images, imagesPath, labels, labelsPath, classNames)));

    internal static Dataset ReadDataset(string name, Stream images, string imagesName, Stream labels, string labelsName,
        IReadOnlyList<string> classNames)
    {
        // Labels first: they are small, so a mismatched pair fails before the big pixel array is built.
        ClassLabels labelValues = ReadLabels(labels, labelsName, classNames.Count);
        IdxImages imageValues = ReadImages(images, imagesName);
        if (imageValues.Count != labelValues.Count)
            throw new DataException($"{imagesName}: holds {imageValues.Count} images but {labelsName} holds {labelValues.Count} labels");
        return new Dataset(name, imageValues.Pixels, PixelDivisor, labelValues, imageValues.PixelsPerImage, classNames.Count, classNames);
    }

    /// <summary>Reads images; <paramref name="name"/> is what messages call the file.</summary>
    /// <param name="stream">A seekable stream positioned at the start of the file (raw or gzipped).</param>
    public static IdxImages ReadImages(Stream stream, string name)
    {
        (long[] dims, byte[] bytes) = ReadTensor(stream, name, expectedDims: 3, what: "pixels");
        return new IdxImages((int)dims[0], (int)dims[1], (int)dims[2], bytes);
    }

    /// <param name="stream">A seekable stream positioned at the start of the file (raw or gzipped).</param>
    internal static ClassLabels ReadLabels(Stream stream, string name, int classCount)
    {
        (_, byte[] bytes) = ReadTensor(stream, name, expectedDims: 1, what: "labels");
        for (int i = 0; i < bytes.Length; i++)
            if (bytes[i] >= classCount)
                throw new DataException($"{name}: label {bytes[i]} at index {i} is out of range: expected 0..{classCount - 1}");
        return new ClassLabels(bytes); // IDX labels are unsigned bytes: held as read
    }

    private static T WithFile<T>(string path, Func<Stream, T> read)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DataException($"{path}: cannot open: {e.Message}", e);
        }
        using (stream) return read(stream);
    }

    /// <summary>Validates the header and reads exactly the payload it promises, rejecting short and over-long files.</summary>
    private static (long[] Dims, byte[] Payload) ReadTensor(Stream file, string name, int expectedDims, string what)
    {
        try
        {
            bool gzipped = IsGzip(file);
            using GZipStream? gzip = gzipped ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : null;
            Stream input = gzip ?? file;
            long[] dims = ReadHeader(input, name, expectedDims);
            long promised = ElementCount(dims, name);
            if (!gzipped)
            {
                // A raw file's length is known: compare before allocating anything.
                long available = file.Length - file.Position;
                if (available < promised)
                    throw new DataException($"{name}: truncated: header promises {promised} bytes of {what}, file holds {available}");
                if (available > promised)
                    throw new DataException($"{name}: {available - promised} bytes of trailing data after the {promised} bytes of {what} the header promises");
            }
            byte[] payload = ReadPayload(input, promised, initialBuffer: gzipped ? InitialGzipBuffer : (int)promised, name, what);
            if (gzipped && input.ReadByte() >= 0)
                throw new DataException($"{name}: trailing data after the {promised} bytes of {what} the header promises");
            return (dims, payload);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{name}: corrupt gzip data: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new DataException($"{name}: cannot read: {e.Message}", e);
        }
    }

    private static bool IsGzip(Stream file)
    {
        long start = file.Position;
        bool gzip = file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
        file.Position = start;
        return gzip;
    }

    private static long[] ReadHeader(Stream input, string name, int expectedDims)
    {
        Span<byte> magic = stackalloc byte[4];
        if (input.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length)
            throw new DataException($"{name}: truncated: file ends inside the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataException($"{name}: not an IDX file: magic number is 0x{Convert.ToHexString(magic)}, expected 0x000008{expectedDims:X2}");
        if (magic[2] != UnsignedByteType)
            throw new DataException($"{name}: unsupported IDX element type 0x{magic[2]:X2}: only unsigned bytes (0x08) are supported");
        if (magic[3] != expectedDims)
            throw new DataException($"{name}: header declares {magic[3]} dimension(s), expected {expectedDims}");

        Span<byte> sizes = stackalloc byte[4 * expectedDims];
        if (input.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false) < sizes.Length)
            throw new DataException($"{name}: truncated: file ends inside the {expectedDims} dimension sizes of the header");
        var dims = new long[expectedDims];
        for (int i = 0; i < expectedDims; i++)
            dims[i] = BinaryPrimitives.ReadUInt32BigEndian(sizes[(4 * i)..]);
        return dims;
    }

    /// <summary>Product of the dimensions, refusing zero sizes and anything above <see cref="MaxElements"/> without overflowing.</summary>
    private static long ElementCount(long[] dims, string name)
    {
        long product = 1;
        foreach (long dim in dims)
        {
            if (dim == 0)
                throw new DataException($"{name}: header declares an empty dimension ({string.Join(" x ", dims)})");
            if (dim > MaxElements / product)
                throw new DataException($"{name}: header declares {string.Join(" x ", dims)} elements, over the limit of {MaxElements}: the header is corrupt");
            product *= dim;
        }
        return product;
    }

    /// <summary>
    /// Reads exactly <paramref name="promised"/> bytes (raw files were already checked against their length,
    /// so running short here means a gzip stream ended early). The buffer grows with the data actually read,
    /// so a gzip stream whose header lies about its size costs memory only for the bytes it really holds.
    /// </summary>
    private static byte[] ReadPayload(Stream input, long promised, int initialBuffer, string name, string what)
    {
        var buffer = new byte[Math.Min(promised, initialBuffer)];
        int filled = 0;
        while (filled < promised)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(promised, 2L * buffer.Length));
            int read = input.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
                throw new DataException($"{name}: truncated: header promises {promised} bytes of {what}, the decompressed file holds {filled}");
            filled += read;
        }
        return buffer;
    }
}
