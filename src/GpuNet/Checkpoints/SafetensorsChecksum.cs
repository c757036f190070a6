using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GpuNet.Checkpoints;

/// <summary>
/// The SHA-256 a gpunet safetensors file carries in its metadata (<see cref="SafetensorsFile.ChecksumKey"/>).
/// It covers the data section, then a canonical summary of the header: every tensor entry (sorted by
/// name: name, dtype, shape, offsets) and every other metadata pair (sorted by key). A flipped byte
/// anywhere — weights, a shape, an epoch number — therefore changes it, while the JSON's spacing and
/// key order do not matter. Strings enter as a 4-byte length and their UTF-8 bytes, numbers as 8 bytes,
/// all little-endian, so no two different headers hash the same input.
/// </summary>
internal sealed class SafetensorsChecksum : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Adds the next bytes of the data section, in file order.</summary>
    public void AddData(ReadOnlySpan<byte> bytes) => _hash.AppendData(bytes);

    /// <summary>Adds the header summary and returns the lowercase hex digest.</summary>
    public string Finish(IEnumerable<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var e in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            AddString(e.Name);
            AddString(e.DType);
            AddNumber(e.Shape.Length);
            foreach (long d in e.Shape) AddNumber(d);
            AddNumber(e.Begin);
            AddNumber(e.End);
        }
        foreach (var (key, value) in metadata.Where(p => p.Key != SafetensorsFile.ChecksumKey).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            AddString(key);
            AddString(value);
        }
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    private void AddString(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        _hash.AppendData(length);
        _hash.AppendData(utf8);
    }

    private void AddNumber(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        _hash.AppendData(bytes);
    }

    public void Dispose() => _hash.Dispose();
}
