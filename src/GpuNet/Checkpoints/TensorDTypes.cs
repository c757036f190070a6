using System.Buffers.Binary;

namespace GpuNet.Checkpoints;

/// <summary>Little-endian tensor bytes of the dtypes gpunet reads, as float32 (F16 and BF16 exactly; F64 rounded to nearest).</summary>
internal static class TensorDTypes
{
    public static float[] ToFloat32(string dtype, ReadOnlySpan<byte> bytes)
    {
        int size = SafetensorsHeader.ReadDTypes[dtype];
        var values = new float[bytes.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            var element = bytes.Slice(i * size, size);
            values[i] = dtype switch
            {
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(element),
                // bfloat16 is the upper half of a float32.
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element) << 16),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(element),
                _ => BinaryPrimitives.ReadSingleLittleEndian(element),
            };
        }
        return values;
    }
}
