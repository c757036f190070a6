using System.Buffers.Binary;
using System.Runtime.InteropServices;
using GpuNet.IO;
using GpuNet.Nn;

namespace GpuNet.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (the one PyTorch's <c>safetensors.torch.load_file</c> reads):
/// an 8-byte little-endian header length N, N bytes of UTF-8 JSON (see <see cref="SafetensorsHeader"/>),
/// then the tensors' raw little-endian bytes, contiguous, in header order. Only float32 (F32) tensors.
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
        string checksum;
        using (var hash = new SafetensorsChecksum())
        {
            foreach (var t in tensors) hash.AddData(LittleEndianBytes(t.Data));
            checksum = hash.Finish(entries, metadata);
        }
        var header = SafetensorsHeader.Serialize(entries, new Dictionary<string, string>(metadata) { [ChecksumKey] = checksum });
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        output.Write(length);
        output.Write(header);
        foreach (var t in tensors) output.Write(LittleEndianBytes(t.Data));
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

            // The header is consistent with the file's length, so what follows allocates at most the file's size.
            var tensors = new NamedTensor[entries.Length];
            using var hash = new SafetensorsChecksum();
            foreach (int i in Enumerable.Range(0, entries.Length).OrderBy(i => entries[i].Begin))
            {
                var e = entries[i];
                var data = new float[e.ByteLength / 4];
                var bytes = MemoryMarshal.AsBytes(data.AsSpan());
                input.ReadExactly(bytes);
                hash.AddData(bytes);
                if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(data.AsSpan()), MemoryMarshal.Cast<float, int>(data.AsSpan()));
                tensors[i] = new NamedTensor(e.Name, e.Shape.Select(d => (int)d).ToArray(), data);
            }
            string actual = hash.Finish(entries, metadata);
            metadata.Remove(ChecksumKey, out string? stored);
            if (stored is not null && !string.Equals(stored, actual, StringComparison.OrdinalIgnoreCase))
                throw new DataException($"{name}: checksum mismatch: the file is corrupted");
            return new SafetensorsContent(tensors, metadata, stored);
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
    private static ReadOnlySpan<byte> LittleEndianBytes(float[] data)
    {
        if (BitConverter.IsLittleEndian) return MemoryMarshal.AsBytes(data.AsSpan());
        var swapped = new int[data.Length];
        BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(data.AsSpan()), swapped);
        return MemoryMarshal.AsBytes(swapped.AsSpan());
    }
}
