namespace GpuNet.Tests.Checkpoints;

/// <summary>Plain PyTorch state dicts in (any key style, any float dtype), and checksums that survive a faithful rewrite.</summary>
public sealed class StateDictTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>The sample MLP's tensors under nn.Sequential keys: Linear at 0, 2 and 4, activations between.</summary>
    private static NamedTensor[] SequentialKeys(ModelCheckpoint checkpoint, string prefix = "") =>
        checkpoint.Parameters.Select(t => t with { Name = prefix + (2 * int.Parse(t.Name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture)) + "." + t.Name.Split('.')[2] }).ToArray();

    [Theory]
    [InlineData("")]
    [InlineData("net.")]
    public void An_nn_sequential_state_dict_loads_with_its_architecture_inferred(string prefix)
    {
        var sample = CheckpointSamples.Mlp();
        string path = _dir.Write("torch.safetensors", StateDictFiles.Plain(SequentialKeys(sample, prefix)));

        var loaded = ModelCheckpoint.Load(path, Activation.Tanh);

        Assert.True(loaded.IsPlainStateDict);
        Assert.Equal("mlp 4-5-2-3 tanh", loaded.Spec.Describe());
        Assert.Equal(["0", "1", "2"], loaded.ClassNames);
        Assert.Equal(sample.Parameters.Select(t => (t.Name, t.Data)), loaded.Parameters.Select(t => (t.Name, t.Data)));
        Assert.Equal("mlp 4-5-2-3 relu", ModelCheckpoint.Load(path).Spec.Describe()); // relu unless told
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("F64")]
    public void Half_bfloat_and_double_tensors_are_converted_to_float32_and_reported(string dtype)
    {
        var spec = ModelSpec.Create(ModelKind.Softmax, 2, 3);
        var tensors = new NamedTensor[] { new("layers.0.weight", [3, 2], [1f, -0.5f, 0.25f, 2f, -3f, 0.125f]), new("layers.0.bias", [3], [0f, 1.5f, -1f]) };
        string path = _dir.Write("half.safetensors", StateDictFiles.Plain(tensors, dtype));

        var loaded = ModelCheckpoint.Load(path);

        Assert.Equal(spec.Describe(), loaded.Spec.Describe());
        Assert.Equal(tensors.Select(t => t.Data), loaded.Parameters.Select(t => t.Data)); // each value is exact in every dtype
        Assert.Equal([("layers.0.bias", dtype), ("layers.0.weight", dtype)], loaded.Converted.OrderBy(c => c.Name));
    }

    [Fact]
    public void One_output_is_logistic_regression_and_mismatched_layers_are_named()
    {
        var logistic = new NamedTensor[] { new("0.weight", [1, 3], [1, 2, 3]), new("0.bias", [1], [0]) };
        Assert.Equal("logistic 3-1", ModelCheckpoint.Load(_dir.Write("l.safetensors", StateDictFiles.Plain(logistic))).Spec.Describe());

        var broken = new NamedTensor[] { new("0.weight", [4, 3], new float[12]), new("0.bias", [4], new float[4]), new("2.weight", [2, 5], new float[10]), new("2.bias", [2], new float[2]) };
        string path = _dir.Write("b.safetensors", StateDictFiles.Plain(broken));
        Assert.Equal($"{path}: layer '2' takes 5 inputs, but the layer before it gives 4", Assert.Throws<DataException>(() => ModelCheckpoint.Load(path)).Message);

        var conv = new NamedTensor[] { new("conv.weight", [4, 3], new float[12]) };
        string convPath = _dir.Write("c.safetensors", StateDictFiles.Plain(conv));
        Assert.Contains("'conv.weight' is not a linear layer's weight or bias", Assert.Throws<DataException>(() => ModelCheckpoint.Load(convPath)).Message);
    }

    [Fact]
    public void Two_spellings_of_one_layer_index_are_refused_instead_of_one_being_dropped()
    {
        // PyTorch keeps modules "0" and "00" apart; read as one index, one of the two layers silently vanished.
        var tensors = new NamedTensor[]
        {
            new("0.weight", [2, 3], new float[6]), new("0.bias", [2], new float[2]),
            new("00.weight", [2, 3], new float[6]), new("00.bias", [2], new float[2]),
        };
        string path = _dir.Write("ambiguous.safetensors", StateDictFiles.Plain(tensors));

        var error = Assert.Throws<DataException>(() => ModelCheckpoint.Load(path));

        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(path)}: tensors '0\\.…' and '00\\.(weight|bias)' both give layer index 0; which module is meant is ambiguous$", error.Message);
    }

    [Fact]
    public void A_checkpoint_rewritten_with_its_tensors_sorted_by_name_still_verifies_and_a_changed_weight_does_not()
    {
        var sample = CheckpointSamples.Mlp(); // layers.0.weight, layers.0.bias, ...: bias sorts before weight, so the layout changes
        string original = Path.Combine(_dir.Path, "model.safetensors");
        sample.Save(original);
        byte[] rewritten = StateDictFiles.RewrittenSortedByName(File.ReadAllBytes(original));
        Assert.NotEqual(File.ReadAllBytes(original), rewritten);

        var loaded = ModelCheckpoint.Load(_dir.Write("rewritten.safetensors", rewritten));
        Assert.Equal(sample.Parameters.Select(t => t.Data), loaded.Parameters.Select(t => t.Data));
        Assert.Equal(sample.ClassNames, loaded.ClassNames);

        // The last byte of the data section belongs to some weight; flipping it must fail the checksum.
        rewritten[^1] ^= 0x40;
        string damaged = _dir.Write("damaged.safetensors", rewritten);
        Assert.Equal($"{damaged}: checksum mismatch: the file is corrupted", Assert.Throws<DataException>(() => ModelCheckpoint.Load(damaged)).Message);
    }

    [Fact]
    public void A_checkpoint_with_the_earlier_layout_bound_checksum_still_loads()
    {
        var sample = CheckpointSamples.Mlp();
        string path = Path.Combine(_dir.Path, "old.safetensors");
        sample.Save(path);
        var content = SafetensorsFile.Load(path);
        // Rewrite the file as gpunet wrote it before: the same bytes, the checksum of the data in file order and the offsets.
        var entries = content.Tensors.Aggregate((Offset: 0L, List: new List<SafetensorsChecksum.Stored>()), (acc, t) =>
        {
            var bytes = SafetensorsBytes.Floats(t.Data);
            acc.List.Add(new(new SafetensorsEntry(t.Name, "F32", t.Shape.Select(d => (long)d).ToArray(), acc.Offset, acc.Offset + bytes.Length), bytes));
            return (acc.Offset + bytes.Length, acc.List);
        }).List;
        string old = SafetensorsChecksum.ComputeLayoutBound(entries, content.Metadata);
        byte[] file = File.ReadAllBytes(path);
        int at = file.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(content.Checksum!));
        Assert.True(at > 8);
        System.Text.Encoding.ASCII.GetBytes(old).CopyTo(file, at);

        var loaded = ModelCheckpoint.Load(_dir.Write("old2.safetensors", file));

        Assert.Equal(sample.Parameters.Select(t => t.Data), loaded.Parameters.Select(t => t.Data));
    }

    public void Dispose() => _dir.Dispose();
}
