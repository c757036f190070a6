using static GpuNet.Tests.Checkpoints.ModelCheckpointTests;

namespace GpuNet.Tests.Checkpoints;

/// <summary>A checkpoint's feature_encoding: it round-trips, feature_names say what each input is, and a checkpoint without it loads as before.</summary>
public sealed class FeatureEncodingCheckpointTests
{
    private static readonly TableEncoding Shop = new(
        [new ColumnEncoding("colour", ["blue", "red"], "red"), new ColumnEncoding("size", null, "2.5"), new ColumnEncoding("weight", null, "-0.125")],
        ImputeStrategy.Median);

    private static ModelCheckpoint Encoded()
    {
        var sample = CheckpointSamples.Mlp(); // 4 inputs: colour=blue, colour=red, size, weight
        return new ModelCheckpoint(sample.Spec, sample.Parameters, Preprocessing.None, sample.ClassNames, 1, 1)
            { Encoding = Shop, Columns = new FeatureColumns(["colour", "size", "weight"], ["label"]) };
    }

    [Fact]
    public void An_encoding_round_trips_and_the_feature_names_say_what_each_input_is()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "shop.safetensors");
        Encoded().Save(path);

        var loaded = ModelCheckpoint.Load(path);
        var metadata = SafetensorsFile.Load(path).Metadata;

        Assert.Equal("""["colour=blue","colour=red","size","weight"]""", metadata["feature_names"]);
        Assert.Equal("""{"columns":[{"name":"colour","categories":["blue","red"],"fill":"red"},{"name":"size","fill":2.5},{"name":"weight","fill":-0.125}],"impute":"median"}""",
            metadata["feature_encoding"]);
        Assert.Equal(["colour", "size", "weight"], loaded.Columns!.Features); // what input files are matched by
        Assert.Equal(ImputeStrategy.Median, loaded.Encoding!.Impute);
        Assert.Equal(["blue", "red"], loaded.Encoding.Columns[0].Categories!);
        Assert.Equal(Shop.Columns.Select(c => (c.Name, c.Fill)), loaded.Encoding.Columns.Select(c => (c.Name, c.Fill)));
    }

    [Fact]
    public void A_checkpoint_without_an_encoding_loads_as_before()
    {
        var sample = CheckpointSamples.Mlp();
        var metadata = MetadataOf(sample);
        Assert.False(metadata.ContainsKey("feature_encoding"));
        metadata["feature_names"] = """["a","b","c","d"]""";
        metadata["skipped_columns"] = "[]";
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "old.safetensors");
        SafetensorsFile.Save(path, sample.Parameters, metadata);

        var loaded = ModelCheckpoint.Load(path);

        Assert.Null(loaded.Encoding);
        Assert.Equal(["a", "b", "c", "d"], loaded.Columns!.Features);
        var table = CsvReader.Read(new StringReader("d,c,b,a\n4,3,2,1\n"), "p.csv", loaded.ReadFormat(CsvFormat.FeaturesOnly()));
        Assert.Equal([1f, 2f, 3f, 4f], loaded.Encode(table)); // the raw values, by name, unencoded
    }

    [Theory]
    [InlineData("{\"columns\":[{\"name\":\"colour\",\"categories\":[\"blue\"]}]}", "metadata 'feature_encoding' encodes 1 inputs for a model of 4")]
    [InlineData("{\"columns\":[{\"name\":\"c\",\"categories\":[\"a\",\"b\"],\"fill\":\"z\"},{\"name\":\"s\",\"fill\":1},{\"name\":\"w\",\"fill\":1}],\"impute\":\"mean\"}", "expected the encoding of the model's columns")]
    [InlineData("{\"columns\":[{\"name\":\"c\",\"categories\":[\"a\",\"b\"]},{\"name\":\"s\"},{\"name\":\"w\"}],\"impute\":\"mode\"}", "expected the encoding of the model's columns")]
    [InlineData("{\"columns\":[{\"name\":\"c\",\"categories\":[\"a\",\"a\"]},{\"name\":\"s\"},{\"name\":\"w\"}]}", "expected the encoding of the model's columns")]
    [InlineData("[1,2]", "metadata 'feature_encoding' is [1,2], expected the encoding of the model's columns")]
    public void A_bad_encoding_is_rejected_naming_the_key(string json, string fragment)
    {
        var sample = CheckpointSamples.Mlp();
        var metadata = MetadataOf(sample);
        metadata["feature_encoding"] = json;

        Assert.Contains(fragment, LoadWith(sample.Parameters, metadata).Message);
    }
}
