using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GpuNet.Checkpoints;

/// <summary>
/// The SHA-256 a gpunet safetensors file carries in its metadata (<see cref="SafetensorsFile.ChecksumKey"/>).
/// It covers every tensor sorted by name — its name, dtype, shape and bytes — then every other metadata pair
/// sorted by key. Nothing about the file's layout enters (the tensors' order and offsets, the JSON's spacing and
/// key order, the header's padding), so a faithful rewrite, such as the safetensors library's, which sorts tensors
/// by name, still verifies, while a flipped byte in a weight, a shape or an epoch number changes the sum. Strings
/// enter as a 4-byte length and their UTF-8 bytes, numbers as 8 bytes, all little-endian, so no two different
/// contents hash the same input.
/// </summary>
internal static class SafetensorsChecksum
{
    /// <summary>One tensor as stored: its header entry and its raw little-endian bytes.</summary>
    public readonly record struct Stored(SafetensorsEntry Entry, ReadOnlyMemory<byte> Bytes);

    /// <summary>The lowercase hex digest of the tensors and the metadata (the checksum pair itself left out).</summary>
    public static string Compute(IEnumerable<Stored> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in tensors.OrderBy(t => t.Entry.Name, StringComparer.Ordinal))
        {
            AddString(hash, t.Entry.Name);
            AddString(hash, t.Entry.DType);
            AddNumber(hash, t.Entry.Shape.Length);
            foreach (long d in t.Entry.Shape) AddNumber(hash, d);
            AddNumber(hash, t.Bytes.Length);
            hash.AppendData(t.Bytes.Span);
        }
        return Finish(hash, metadata);
    }

    /// <summary>
    /// The checksum of gpunet before 2026-12 (the data section in file order, then the entries with their offsets),
    /// so that checkpoints written then still verify. It depends on the layout: only an untouched old file passes.
    /// </summary>
    public static string ComputeLayoutBound(IReadOnlyList<Stored> tensorsInFileOrder, IReadOnlyDictionary<string, string> metadata)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in tensorsInFileOrder) hash.AppendData(t.Bytes.Span);
        foreach (var e in tensorsInFileOrder.Select(t => t.Entry).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            AddString(hash, e.Name);
            AddString(hash, e.DType);
            AddNumber(hash, e.Shape.Length);
            foreach (long d in e.Shape) AddNumber(hash, d);
            AddNumber(hash, e.Begin);
            AddNumber(hash, e.End);
        }
        return Finish(hash, metadata);
    }

    private static string Finish(IncrementalHash hash, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata.Where(p => p.Key != SafetensorsFile.ChecksumKey).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            AddString(hash, key);
            AddString(hash, value);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AddString(IncrementalHash hash, string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        hash.AppendData(length);
        hash.AppendData(utf8);
    }

    private static void AddNumber(IncrementalHash hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
