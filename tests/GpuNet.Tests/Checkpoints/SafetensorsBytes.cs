using System.Buffers.Binary;
using System.Text;

namespace GpuNet.Tests.Checkpoints;

/// <summary>Hand-built safetensors files: a header written as JSON text, then a data section, exactly as the format describes.</summary>
internal static class SafetensorsBytes
{
    /// <summary>8-byte little-endian length of <paramref name="headerJson"/>, its UTF-8 bytes, then <paramref name="data"/>.</summary>
    public static byte[] Build(string headerJson, byte[] data) => Build(headerJson, data, declaredLength: null);

    /// <summary>As <see cref="Build(string, byte[])"/>, with the length field set to <paramref name="declaredLength"/> whatever the header's real length.</summary>
    public static byte[] Build(string headerJson, byte[] data, ulong? declaredLength)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>Little-endian float32 bytes of <paramref name="values"/>.</summary>
    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    public static byte[] Save(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }
}
