using System.Buffers.Binary;
using System.Text;

namespace GpuNet.Tests.Data;

/// <summary>
/// Builds .npy files byte by byte from the format's description (NEP 1), independently of the reader's own writer:
/// magic, version, little-endian header length (2 bytes in 1.0, 4 in 2.0 and 3.0), the dict, padding to 64 bytes.
/// </summary>
internal static class NpyTestFiles
{
    public static byte[] Build(string descr, string shape, byte[] data, int major = 1, string fortran = "False", string? dict = null)
    {
        dict ??= $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string padded = dict.PadRight(total - prefix - 1) + "\n";
        var file = new byte[total + data.Length];
        file[0] = 0x93;
        "NUMPY"u8.ToArray().CopyTo(file, 1);
        file[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)padded.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)padded.Length);
        Encoding.ASCII.GetBytes(padded, file.AsSpan(prefix));
        data.CopyTo(file, total);
        return file;
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
    public static byte[] Doubles(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
    public static byte[] Halves(params float[] values) => values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray();
    public static byte[] Longs(params long[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
