using System.Buffers.Binary;
using System.Text;

namespace GpuNet.Tests.Checkpoints;

/// <summary>The bytes gpunet writes, checked field by field against the safetensors format; and files written by others, read.</summary>
public sealed class SafetensorsLayoutTests
{
    private static readonly NamedTensor Matrix = new("layers.0.weight", [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]);
    private static readonly NamedTensor Vector = new("layers.0.bias", [2], [-1.5f, 0.25f]);

    [Fact]
    public void Header_length_json_alignment_offsets_and_raw_bytes_follow_the_format()
    {
        byte[] file = SafetensorsBytes.Save(s => SafetensorsFile.Write(s, [Matrix, Vector], new Dictionary<string, string> { ["epoch"] = "3" }));

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0, (8 + (long)headerLength) % 8); // data starts 8-byte aligned
        string header = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        Assert.StartsWith("{", header);
        Assert.EndsWith("}", header.TrimEnd(' ')); // padding is spaces only
        Assert.True(header.Length - header.TrimEnd(' ').Length < 8);

        using var json = JsonDocument.Parse(header);
        var root = json.RootElement;
        var weight = root.GetProperty("layers.0.weight");
        Assert.Equal("F32", weight.GetProperty("dtype").GetString());
        Assert.Equal([2, 3], weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0, 24], weight.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        var bias = root.GetProperty("layers.0.bias");
        Assert.Equal([2], bias.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([24, 32], bias.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        var metadata = root.GetProperty("__metadata__");
        Assert.Equal("3", metadata.GetProperty("epoch").GetString());
        Assert.Matches("^[0-9a-f]{64}$", metadata.GetProperty(SafetensorsFile.ChecksumKey).GetString());
        Assert.Equal(4, root.EnumerateObject().Count() + 1); // two tensors, the metadata, nothing else

        byte[] data = file[(8 + (int)headerLength)..];
        Assert.Equal(32, data.Length);
        // 1.0f is 0x3F800000, stored little-endian; -1.5f is 0xBFC00000.
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F }, data[..4]);
        Assert.Equal(new byte[] { 0x00, 0x00, 0xC0, 0xBF }, data[24..28]);
        Assert.Equal(SafetensorsBytes.Floats(1f, 2f, 3f, 4f, 5f, 6f, -1.5f, 0.25f), data);
    }

    [Fact]
    public void A_file_written_by_another_tool_is_read_as_the_format_describes()
    {
        // As PyTorch's safetensors writes it: metadata last, unpadded header, tensors out of header order, no gpunet checksum.
        string header = """{"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]},"__metadata__":{"format":"pt"}}""";
        byte[] file = SafetensorsBytes.Build(header, SafetensorsBytes.Floats(7f, 8f, 9f));

        var content = SafetensorsFile.Read(new MemoryStream(file), "torch.safetensors");

        Assert.Null(content.Checksum);
        Assert.Equal("pt", content.Metadata["format"]);
        Assert.Equal([7f], content.Find("b")!.Data);
        Assert.Equal([2, 1], content.Find("a")!.Shape);
        Assert.Equal([8f, 9f], content.Find("a")!.Data);
    }

    [Fact]
    public void Writing_then_reading_gives_back_every_bit_and_the_metadata()
    {
        var odd = new NamedTensor("odd", [5], [float.NaN, float.NegativeInfinity, -0f, float.Epsilon, BitConverter.Int32BitsToSingle(0x7FC00123)]);
        var empty = new NamedTensor("empty", [0, 3], []);
        var metadata = new Dictionary<string, string> { ["note"] = "ünïcode \"quoted\"\nnew line", ["empty"] = "" };
        byte[] file = SafetensorsBytes.Save(s => SafetensorsFile.Write(s, [Matrix, odd, empty], metadata));

        var content = SafetensorsFile.Read(new MemoryStream(file), "x");

        Assert.Equal(metadata, content.Metadata);
        Assert.Equal(odd.Data.Select(BitConverter.SingleToInt32Bits), content.Find("odd")!.Data.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal([0, 3], content.Find("empty")!.Shape);
        Assert.Equal(Matrix.Data, content.Find("layers.0.weight")!.Data);
        Assert.Matches("^[0-9a-f]{64}$", content.Checksum);
    }
}
