using System.Buffers.Binary;

namespace GpuNet.Tests.Data;

/// <summary>Seeded byte-level damage for the fuzz tests: bit flips, cuts, insertions, duplicated spans and huge 32-bit sizes.</summary>
internal sealed class Mutator(int seed, byte[] alphabet)
{
    private readonly SeededRandom _random = new(seed);

    /// <summary>Applies one to three random mutations to a copy of <paramref name="input"/>.</summary>
    public byte[] Mutate(byte[] input)
    {
        var bytes = new List<byte>(input);
        int rounds = 1 + _random.NextInt(3);
        for (int r = 0; r < rounds; r++) MutateOnce(bytes);
        return bytes.ToArray();
    }

    private void MutateOnce(List<byte> bytes)
    {
        int at = _random.NextInt(bytes.Count + 1);
        switch (_random.NextInt(6))
        {
            case 0 when bytes.Count > 0: // flip one bit
                at = Math.Min(at, bytes.Count - 1);
                bytes[at] ^= (byte)(1 << _random.NextInt(8));
                break;
            case 1: // truncate
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 2: // insert bytes from the alphabet (structural characters for CSV, anything for IDX)
                for (int n = 1 + _random.NextInt(8); n > 0; n--) bytes.Insert(at, alphabet[_random.NextInt(alphabet.Length)]);
                break;
            case 3 when bytes.Count > 0: // delete a span
                bytes.RemoveRange(Math.Min(at, bytes.Count - 1), Math.Min(1 + _random.NextInt(8), bytes.Count - Math.Min(at, bytes.Count - 1)));
                break;
            case 4 when bytes.Count > 0: // duplicate a span
                int start = _random.NextInt(bytes.Count);
                bytes.InsertRange(at, bytes.GetRange(start, Math.Min(1 + _random.NextInt(32), bytes.Count - start)));
                break;
            default: // overwrite four bytes with a big-endian huge size, as a corrupt IDX header would have
                Span<byte> huge = stackalloc byte[4];
                uint[] sizes = [uint.MaxValue, 0x7FFFFFFF, 0x80000000, 1u << 30, 0x0FFFFFFF];
                BinaryPrimitives.WriteUInt32BigEndian(huge, sizes[_random.NextInt(sizes.Length)]);
                for (int i = 0; i < 4 && at + i < bytes.Count; i++) bytes[at + i] = huge[i];
                break;
        }
    }
}
