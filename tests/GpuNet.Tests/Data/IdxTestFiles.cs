using System.Buffers.Binary;
using System.IO.Compression;

namespace GpuNet.Tests.Data;

/// <summary>Builds small IDX files in memory: valid ones for round trips, and the raw material the corruption tests bend.</summary>
public static class IdxTestFiles
{
    /// <summary>An unsigned-byte IDX file with the given dimensions and payload (no consistency check, on purpose).</summary>
    public static byte[] Build(uint[] dims, byte[] payload, byte type = 0x08)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary><paramref name="count"/> images of rows × columns whose pixel i of image n is (n · 31 + i · 7) mod 256.</summary>
    public static byte[] Images(int count, int rows, int columns)
        => Build([(uint)count, (uint)rows, (uint)columns], ImagePixels(count, rows * columns));

    public static byte[] ImagePixels(int count, int pixelsPerImage)
    {
        var pixels = new byte[count * pixelsPerImage];
        for (int n = 0; n < count; n++)
            for (int i = 0; i < pixelsPerImage; i++)
                pixels[n * pixelsPerImage + i] = (byte)((n * 31 + i * 7) % 256);
        return pixels;
    }

    /// <summary>Labels 0, 1, ..., classes-1, 0, 1, ...</summary>
    public static byte[] Labels(int count, int classes = 10)
        => Build([(uint)count], Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray());

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(raw);
        return output.ToArray();
    }

    /// <summary>The four files of a catalog dataset (small: 6 train and 4 test images of 2×3) written into <paramref name="directory"/>.</summary>
    public static void WriteCatalogSet(string directory, bool gzip, int trainCount = 6)
    {
        Directory.CreateDirectory(directory);
        void Write(string name, byte[] raw)
            => File.WriteAllBytes(Path.Combine(directory, gzip ? name + ".gz" : name), gzip ? Gzip(raw) : raw);
        Write("train-images-idx3-ubyte", Images(trainCount, 2, 3));
        Write("train-labels-idx1-ubyte", Labels(trainCount));
        Write("t10k-images-idx3-ubyte", Images(4, 2, 3));
        Write("t10k-labels-idx1-ubyte", Labels(4));
    }
}
