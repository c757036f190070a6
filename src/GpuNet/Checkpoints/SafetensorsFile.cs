using System.Buffers.Binary;
using GpuNet.IO;
using GpuNet.Nn;

namespace GpuNet.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (the one PyTorch's <c>safetensors.torch.load_file</c> reads):
/// an 8-byte little-endian header length N, N bytes of UTF-8 JSON (see <see cref="SafetensorsHeader"/>),
/// then the tensors' raw little-endian bytes, contiguous, in header order. Writes F32; reads F32, and F16, BF16
/// and F64 converted to F32 (<see cref="SafetensorsContent.Converted"/> says which).
/// Every file gpunet writes carries <see cref="ChecksumKey"/> in its metadata (see <see cref="SafetensorsChecksum"/>);
/// reading verifies it when present. Every failure to read is a <see cref="DataException"/> naming the file and
/// the place, raised before anything the file claims is allocated.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Metadata key of the file's SHA-256 (hex).</summary>
    public const string ChecksumKey = "gpunet.sha256";

    /// <summary>Largest header accepted: the limit of the reference implementation (Rust safetensors).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Largest file accepted; far above any model gpunet trains, far below what would exhaust memory.</summary>
    public const long MaxFileBytes = 4L << 30;

    /// <summary>Writes the tensors atomically (see <see cref="AtomicFile"/>) and returns the checksum stored in the file.</summary>
    public static string Save(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        string checksum = "";
        AtomicFile.Write(path, stream => checksum = Write(stream, tensors, metadata));
        return checksum;
    }

    /// <summary>Writes a whole file to <paramref name="output"/>, tensors in the given order; returns the checksum stored in it.</summary>
    public static string Write(Stream output, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.ContainsKey(ChecksumKey))
            throw new ArgumentException($"metadata key {ChecksumKey} is reserved for the checksum", nameof(metadata));
        var entries = Layout(tensors);
        var bytes = tensors.Select(t => LittleEndianBytes(t.Data)).ToArray();
        string checksum = SafetensorsChecksum.Compute(entries.Select((e, i) => new SafetensorsChecksum.Stored(e, bytes[i])), metadata);
        var header = SafetensorsHeader.Serialize(entries, new Dictionary<string, string>(metadata) { [ChecksumKey] = checksum });
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        output.Write(length);
        output.Write(header);
        foreach (var b in bytes) output.Write(b.Span);
        return checksum;
    }

    public static SafetensorsContent Load(string path)
    {
        if (Directory.Exists(path)) throw new DataException($"{path}: is a directory, expected a .safetensors file");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataException($"{path}: file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DataException($"{path}: cannot open: {e.Message}", e);
        }
        using (stream) return Read(stream, path);
    }

    /// <summary>Reads a whole file from a seekable stream positioned at its start; <paramref name="name"/> is what messages call it.</summary>
    public static SafetensorsContent Read(Stream input, string name)
    {
        try
        {
            long fileLength = input.Length - input.Position;
            if (fileLength > MaxFileBytes)
                throw new DataException($"{name}: {fileLength} bytes is over the {MaxFileBytes >> 30} GiB limit for a checkpoint");
            if (fileLength < 8)
                throw new DataException($"{name}: {fileLength} bytes is too short for a safetensors file (it starts with an 8-byte header length)");
            Span<byte> lengthBytes = stackalloc byte[8];
            input.ReadExactly(lengthBytes);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > MaxHeaderBytes)
                throw new DataException($"{name}: header length {headerLength} is over the {MaxHeaderBytes}-byte limit: not a safetensors file, or a corrupt one");
            if ((long)headerLength > fileLength - 8)
                throw new DataException($"{name}: header length {headerLength} runs past the end of the file ({fileLength} bytes)");

            var header = new byte[headerLength];
            input.ReadExactly(header);
            long dataLength = fileLength - 8 - (long)headerLength;
            var (entries, metadata) = SafetensorsHeader.Parse(header, dataLength, name);

            // The header is consistent with the file's length, so what follows allocates at most the file's size (twice, for F16).
            var stored = new List<SafetensorsChecksum.Stored>(entries.Length);
            foreach (var e in entries.OrderBy(e => e.Begin))
            {
                var bytes = new byte[e.ByteLength];
                input.ReadExactly(bytes);
                stored.Add(new SafetensorsChecksum.Stored(e, bytes));
            }
            metadata.TryGetValue(ChecksumKey, out string? checksum);
            if (checksum is not null && !Matches(checksum, SafetensorsChecksum.Compute(stored, metadata))
                && !Matches(checksum, SafetensorsChecksum.ComputeLayoutBound(stored, metadata)))
                throw new DataException($"{name}: checksum mismatch: the file is corrupted");
            metadata.Remove(ChecksumKey);
            var byName = stored.ToDictionary(t => t.Entry.Name, StringComparer.Ordinal);
            var tensors = entries.Select(e => new NamedTensor(e.Name, e.Shape.Select(d => (int)d).ToArray(), TensorDTypes.ToFloat32(e.DType, byName[e.Name].Bytes.Span))).ToArray();
            var converted = entries.Where(e => e.DType != SafetensorsHeader.Float32).Select(e => (e.Name, e.DType)).ToArray();
            return new SafetensorsContent(tensors, metadata, checksum) { Converted = converted };
        }
        catch (EndOfStreamException e)
        {
            throw new DataException($"{name}: the file ended early while being read (was it changed meanwhile?)", e);
        }
        catch (IOException e)
        {
            throw new DataException($"{name}: cannot read: {e.Message}", e);
        }
    }

    private static bool Matches(string stored, string actual) => string.Equals(stored, actual, StringComparison.OrdinalIgnoreCase);

    /// <summary>Header entries for tensors laid out back to back in the given order; checks names and shapes.</summary>
    private static SafetensorsEntry[] Layout(IReadOnlyList<NamedTensor> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var entries = new SafetensorsEntry[tensors.Count];
        long offset = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (string.IsNullOrEmpty(t.Name) || t.Name == SafetensorsHeader.MetadataKey || !names.Add(t.Name))
                throw new ArgumentException($"tensor name '{t.Name}' is empty, reserved or repeated", nameof(tensors));
            if (t.Shape.Aggregate(1L, (p, d) => p * d) != t.Data.Length || t.Shape.Any(d => d < 0))
                throw new ArgumentException($"tensor {t.Name}: shape [{string.Join(", ", t.Shape)}] does not hold {t.Data.Length} values", nameof(tensors));
            long bytes = 4L * t.Data.Length;
            entries[i] = new SafetensorsEntry(t.Name, SafetensorsHeader.Float32, t.Shape.Select(d => (long)d).ToArray(), offset, offset + bytes);
            offset += bytes;
        }
        return entries;
    }

    /// <summary>The float data as little-endian bytes (a view on little-endian machines, a swapped copy elsewhere).</summary>
    private static ReadOnlyMemory<byte> LittleEndianBytes(float[] data)
    {
        var bytes = new byte[4L * data.Length];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
        return bytes;
    }
}
