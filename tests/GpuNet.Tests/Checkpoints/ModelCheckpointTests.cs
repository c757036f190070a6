namespace GpuNet.Tests.Checkpoints;

public sealed class ModelCheckpointTests
{
    [Fact]
    public void Round_trip_keeps_every_bit_the_spec_and_the_metadata()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        var saved = CheckpointSamples.Mlp(preprocessing: Preprocessing.ScaleBytes, extra: new Dictionary<string, string> { ["train.lr"] = "0.05" });

        saved.Save(path);
        var loaded = ModelCheckpoint.Load(path);

        Assert.Equal(saved.Spec.Describe(), loaded.Spec.Describe());
        Assert.Equal(saved.Spec.Hidden, loaded.Spec.Hidden);
        Assert.Equal(Preprocessing.ScaleBytes, loaded.Preprocessing);
        Assert.Equal(saved.ClassNames, loaded.ClassNames);
        Assert.Equal((7, 1234L), (loaded.Epoch, loaded.Step));
        Assert.Equal(saved.Extra, loaded.Extra);
        AssertBitwiseEqual(saved.Parameters, loaded.Parameters);
    }

    [Fact]
    public void The_file_is_a_clean_state_dict_with_the_model_in_its_metadata()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        CheckpointSamples.Mlp().Save(path);

        var content = SafetensorsFile.Load(path);

        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias"], content.Tensors.Select(t => t.Name));
        Assert.Equal([5, 4], content.Find("layers.0.weight")!.Shape);
        var m = content.Metadata;
        Assert.Equal(("pt", "mlp", "4", "3", "5,2", "tanh", "none"), (m["format"], m["model"], m["inputs"], m["classes"], m["hidden"], m["activation"], m["preprocessing"]));
        Assert.Equal("""["cat","dog, \"big\"","émeu"]""", m["class_names"]);
        Assert.Equal(("7", "1234"), (m["epoch"], m["step"]));
    }

    [Theory]
    [InlineData("missing", "tensor layers.1.bias is missing (the model mlp 4-5-2-3 tanh needs it)")]
    [InlineData("misshapen", "tensor layers.0.weight has shape [4, 5], the model mlp 4-5-2-3 tanh needs [5, 4]")]
    [InlineData("unexpected", "tensor 'extra' is not part of the model mlp 4-5-2-3 tanh")]
    [InlineData("not finite", "tensor layers.2.bias holds NaN at element 1")]
    public void Tensors_unlike_the_spec_are_rejected_naming_the_tensor(string damage, string fragment)
    {
        var sample = CheckpointSamples.Mlp();
        var tensors = sample.Parameters.ToList();
        switch (damage)
        {
            case "missing": tensors.RemoveAll(t => t.Name == "layers.1.bias"); break;
            case "misshapen": tensors[0] = tensors[0] with { Shape = [4, 5] }; break;
            case "unexpected": tensors.Add(new NamedTensor("extra", [1], [0f])); break;
            case "not finite": tensors[5] = tensors[5] with { Data = [0f, float.NaN, 0f] }; break;
        }
        var e = LoadWith(tensors, MetadataOf(sample));
        Assert.Contains(fragment, e.Message);
    }

    [Theory]
    [InlineData("model", "svm", "metadata 'model' is 'svm', expected one of logistic, softmax, mlp")]
    [InlineData("inputs", "-3", "metadata 'inputs' is '-3', expected an integer in 1..")]
    [InlineData("hidden", "5,x", "metadata 'hidden' is '5,x'")]
    [InlineData("activation", "1", "metadata 'activation' is '1', expected one of identity, relu, sigmoid, tanh")]
    [InlineData("class_names", "[\"a\"]", "metadata 'class_names' lists 1 names for 3 classes")]
    [InlineData("class_names", "cat,dog", "metadata 'class_names' is 'cat,dog', expected a JSON array of strings")]
    [InlineData("preprocessing", "zscore", "metadata 'preprocessing' is 'zscore'")]
    [InlineData("classes", null, "the metadata has no 'classes' entry")]
    [InlineData("feature_names", "[\"a\",\"b\",\"c\",\"d\"]", "the metadata has 'feature_names' without 'skipped_columns'")]
    [InlineData("skipped_columns", "[]", "the metadata has 'skipped_columns' without 'feature_names'")]
    public void Bad_metadata_is_rejected_naming_the_key(string key, string? value, string fragment)
    {
        var sample = CheckpointSamples.Mlp();
        var metadata = MetadataOf(sample);
        if (value is null) metadata.Remove(key);
        else metadata[key] = value;
        Assert.Contains(fragment, LoadWith(sample.Parameters, metadata).Message);
    }

    [Fact]
    public void Feature_names_round_trip_and_must_name_every_input()
    {
        var sample = CheckpointSamples.Mlp();
        var metadata = MetadataOf(sample);
        metadata["feature_names"] = """["x","y","z","w"]""";
        metadata["skipped_columns"] = """["tier"]""";
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "named.safetensors");
        SafetensorsFile.Save(path, sample.Parameters, metadata);
        var named = ModelCheckpoint.Load(path);
        Assert.Equal(["x", "y", "z", "w"], named.Columns!.Features);
        Assert.Equal(["tier"], named.Columns.Skipped);
        Assert.Null(sample.Columns); // no names: matched by position

        metadata["feature_names"] = """["x"]""";
        Assert.Contains("metadata 'feature_names' lists 1 names for 4 inputs", LoadWith(sample.Parameters, metadata).Message);
    }

    [Fact]
    public void A_state_dict_without_gpunet_metadata_must_be_whole_linear_layers()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("torch.safetensors", SafetensorsBytes.Build("""{"layers.0.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}}""", new byte[4]));
        var e = Assert.Throws<DataException>(() => ModelCheckpoint.Load(path));
        Assert.Equal($"{path}: layer 'layers.0' has a weight but no bias (nn.Linear(bias=False) is not supported)", e.Message);
    }

    [Fact]
    public void Architecture_and_data_mismatches_are_usage_errors_naming_both()
    {
        var sample = CheckpointSamples.Mlp();
        var other = ModelSpec.Create(ModelKind.Mlp, 4, 3, [6], Activation.Tanh);
        Assert.Equal("--init-from m holds a mlp 4-5-2-3 tanh model, but the options describe mlp 4-6-3 tanh",
            Assert.Throws<UsageException>(() => sample.RequireArchitecture(other, "--init-from m")).Message);
        Assert.Equal("--data d has 7 features per row, but the model in m (mlp 4-5-2-3 tanh) expects 4",
            Assert.Throws<UsageException>(() => sample.RequireFits(7, 3, "--data d", "m")).Message);
        Assert.Equal("--data d has 10 classes, but the model in m (mlp 4-5-2-3 tanh) has 3",
            Assert.Throws<UsageException>(() => sample.RequireFits(4, 10, "--data d", "m")).Message);
        sample.RequireFits(4, 3, "--data d", "m");
    }

    internal static void AssertBitwiseEqual(IReadOnlyList<NamedTensor> expected, IReadOnlyList<NamedTensor> actual)
    {
        Assert.Equal(expected.Select(t => t.Name), actual.Select(t => t.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            Assert.Equal(expected[i].Data.Select(BitConverter.SingleToInt32Bits), actual[i].Data.Select(BitConverter.SingleToInt32Bits));
        }
    }

    /// <summary>The metadata a checkpoint writes, read back from a saved copy.</summary>
    internal static Dictionary<string, string> MetadataOf(ModelCheckpoint checkpoint)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        checkpoint.Save(path);
        return new Dictionary<string, string>(SafetensorsFile.Load(path).Metadata);
    }

    /// <summary>Loads a file holding these tensors and metadata (with a valid checksum: the damage is in what it says, not in its bytes).</summary>
    internal static DataException LoadWith(IReadOnlyList<NamedTensor> tensors, Dictionary<string, string> metadata)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        SafetensorsFile.Save(path, tensors, metadata);
        var e = Assert.Throws<DataException>(() => ModelCheckpoint.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }
}
