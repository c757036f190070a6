namespace GpuNet.Tests.Checkpoints;

/// <summary>Every way a safetensors file can lie about itself is a one-line DataException naming the file and the problem.</summary>
public sealed class SafetensorsValidationTests
{
    private const string Name = "bad.safetensors";

    private static string Tensor(string name, string dtype = "F32", string shape = "[2]", string offsets = "[0,8]") =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    public static TheoryData<string, string, int, string> BadHeaders => new()
    {
        // case, header JSON, data bytes, expected message fragment
        { "not JSON", "{\"a\": ", 8, "the header is not valid JSON" },
        { "not an object", "[1, 2]", 8, "does not start with '{'" },
        { "unknown dtype", "{" + Tensor("a", dtype: "Q9") + "}", 8, "tensor 'a' has unknown dtype 'Q9'" },
        { "other dtype", "{" + Tensor("a", dtype: "I64") + "}", 8, "tensor 'a' has dtype I64; gpunet reads F32, F16, BF16 and F64" },
        { "shape against range", "{" + Tensor("a", shape: "[3]") + "}", 8, "tensor 'a': shape [3] needs 12 bytes of F32, but data_offsets [0, 8] hold 8" },
        { "huge shape", "{" + Tensor("a", shape: "[1099511627776,1099511627776]") + "}", 8, "tensor 'a': shape [1099511627776, 1099511627776] has more than the 2147483591 elements a tensor may have" },
        { "offsets past the end", "{" + Tensor("a", offsets: "[0,8]") + "}", 4, "data_offsets [0, 8] run past the end of the 4-byte data section" },
        { "offsets backwards", "{" + Tensor("a", shape: "[0]", offsets: "[8,0]") + "}", 8, "data_offsets [8, 0] end before they begin" },
        { "negative offset", "{" + Tensor("a", offsets: "[-8,0]") + "}", 8, "data_offsets holds -8, expected non-negative integers" },
        { "fractional shape", "{" + Tensor("a", shape: "[1.5]") + "}", 8, "shape holds 1.5" },
        { "three offsets", "{" + Tensor("a", offsets: "[0,4,8]") + "}", 8, "data_offsets has 3 numbers, expected 2" },
        { "overlap", "{" + Tensor("a") + "," + Tensor("b", offsets: "[4,12]") + "}", 12, "tensor 'b' (bytes 4..12) overlaps tensor 'a' (bytes 0..8)" },
        { "gap", "{" + Tensor("a", shape: "[1]", offsets: "[0,4]") + "," + Tensor("b", shape: "[1]", offsets: "[8,12]") + "}", 12, "bytes 4..8 of the data section belong to no tensor" },
        { "trailing data", "{" + Tensor("a") + "}", 12, "the last 4 bytes of the data section (from byte 8) belong to no tensor" },
        { "duplicate tensor", "{" + Tensor("a") + "," + Tensor("a") + "}", 8, "names 'a' twice" },
        { "no dtype", "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor 'a' has no dtype string" },
        { "no shape", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "tensor 'a' has no shape array" },
        { "entry not an object", "{\"a\":5}", 8, "tensor 'a' is a JSON number" },
        { "metadata not an object", "{" + Tensor("a") + ",\"__metadata__\":[]}", 8, "__metadata__ is a JSON array" },
        { "metadata value not a string", "{" + Tensor("a") + ",\"__metadata__\":{\"epoch\":3}}", 8, "__metadata__ entry 'epoch' is a JSON number" },
        { "name with a newline", "{" + Tensor("a\\nb", dtype: "X") + "}", 8, "tensor 'a?b' has unknown dtype" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void A_bad_header_is_rejected_with_its_reason(string reason, string header, int dataBytes, string fragment)
    {
        var e = Reject(SafetensorsBytes.Build(header, new byte[dataBytes]));
        Assert.Contains(fragment, e.Message);
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Theory]
    [InlineData(0, "0 bytes is too short for a safetensors file")]
    [InlineData(7, "7 bytes is too short")]
    public void A_file_shorter_than_the_length_field_is_rejected(int length, string fragment)
        => Assert.Contains(fragment, Reject(new byte[length]).Message);

    [Theory]
    [InlineData(100ul, "header length 100 runs past the end of the file (18 bytes)")]
    [InlineData(100_000_001ul, "header length 100000001 is over the 100000000-byte limit")]
    [InlineData(ulong.MaxValue, "header length 18446744073709551615 is over the 100000000-byte limit")]
    public void A_header_length_past_the_file_or_the_limit_is_rejected_before_allocating(ulong declared, string fragment)
        => Assert.Contains(fragment, Reject(SafetensorsBytes.Build("{}", new byte[8], declared)).Message);

    [Fact]
    public void A_file_over_the_size_bound_is_rejected_before_reading()
    {
        var e = Assert.Throws<DataException>(() => SafetensorsFile.Read(new HugeStream(SafetensorsFile.MaxFileBytes + 1), Name));
        Assert.Contains("over the 4 GiB limit", e.Message);
    }

    [Fact]
    public void A_flipped_data_byte_is_a_checksum_mismatch()
    {
        byte[] file = Valid();
        file[^3] ^= 0x10;
        Assert.Equal($"{Name}: checksum mismatch: the file is corrupted", Reject(file).Message);
    }

    [Fact]
    public void A_changed_metadata_value_is_a_checksum_mismatch()
    {
        byte[] file = Valid();
        int at = IndexOf(file, "\"epoch\":\"7\""u8.ToArray());
        file[at + 9] = (byte)'8';
        Assert.Contains("checksum mismatch", Reject(file).Message);
    }

    [Fact]
    public void A_missing_file_names_itself()
    {
        var e = Assert.Throws<DataException>(() => SafetensorsFile.Load("/nonexistent/model.safetensors"));
        Assert.Equal("/nonexistent/model.safetensors: file not found", e.Message);
    }

    private static byte[] Valid() => SafetensorsBytes.Save(s =>
        SafetensorsFile.Write(s, [new NamedTensor("w", [3], [1f, 2f, 3f])], new Dictionary<string, string> { ["epoch"] = "7" }));

    private static DataException Reject(byte[] file)
    {
        var e = Assert.Throws<DataException>(() => SafetensorsFile.Read(new MemoryStream(file), Name));
        Assert.StartsWith(Name + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }

    /// <summary>A stream that claims a length it does not have, to test the size bound without a 4 GiB file.</summary>
    private sealed class HugeStream(long length) : Stream
    {
        public override long Length => length;
        public override long Position { get; set; }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("the size bound must come first");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
    }
}
