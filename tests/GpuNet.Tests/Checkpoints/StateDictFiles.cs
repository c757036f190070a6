using System.Buffers.Binary;
using System.Text;

namespace GpuNet.Tests.Checkpoints;

/// <summary>Safetensors files as other tools write them: PyTorch state dicts with no metadata, and faithful rewrites.</summary>
internal static class StateDictFiles
{
    /// <summary>A file as <c>safetensors.torch.save_file(state_dict, path)</c> writes it: tensors sorted by name, no metadata, each in <paramref name="dtype"/>.</summary>
    public static byte[] Plain(IEnumerable<NamedTensor> tensors, string dtype = "F32") =>
        Layout(tensors.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => (t.Name, dtype, t.Shape.Select(d => (long)d).ToArray(), Encode(t.Data, dtype))), metadata: null);

    /// <summary>
    /// The same file rewritten as the safetensors library lays files out — tensors sorted by name, the header's keys in
    /// its own order, no padding — with every byte of every tensor and every metadata pair unchanged.
    /// </summary>
    public static byte[] RewrittenSortedByName(byte[] file)
    {
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        var data = file.AsSpan(8 + (int)headerLength);
        Dictionary<string, string>? metadata = null;
        var tensors = new List<(string, string, long[], byte[])>();
        foreach (var p in header.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__") { metadata = p.Value.EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString()!); continue; }
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            tensors.Add((p.Name, p.Value.GetProperty("dtype").GetString()!, p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                data[offsets[0]..offsets[1]].ToArray()));
        }
        return Layout(tensors.OrderBy(t => t.Item1, StringComparer.Ordinal), metadata);
    }

    private static byte[] Layout(IEnumerable<(string Name, string DType, long[] Shape, byte[] Bytes)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        var data = new MemoryStream();
        foreach (var (name, dtype, shape, bytes) in tensors)
        {
            json.Append($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Length},{data.Length + bytes.Length}]}},");
            data.Write(bytes);
        }
        if (metadata is not null) json.Append("\"__metadata__\":").Append(JsonSerializer.Serialize(metadata)).Append(',');
        json.Length--;
        json.Append('}');
        return SafetensorsBytes.Build(json.ToString(), data.ToArray());
    }

    private static byte[] Encode(float[] values, string dtype)
    {
        int size = dtype switch { "F16" or "BF16" => 2, "F64" => 8, _ => 4 };
        var bytes = new byte[size * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var at = bytes.AsSpan(size * i);
            switch (dtype)
            {
                case "F16": BinaryPrimitives.WriteHalfLittleEndian(at, (Half)values[i]); break;
                case "BF16": BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16)); break;
                case "F64": BinaryPrimitives.WriteDoubleLittleEndian(at, values[i]); break;
                default: BinaryPrimitives.WriteSingleLittleEndian(at, values[i]); break;
            }
        }
        return bytes;
    }
}
