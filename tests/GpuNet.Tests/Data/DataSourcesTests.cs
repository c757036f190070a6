using GpuNet.Cli;

namespace GpuNet.Tests.Data;

[Collection(EnvironmentCollection.Name)]
public sealed class DataSourcesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Synthetic_names_generate()
    {
        DataSplit split = DataSources.Load(new DataOptions { Source = "Spirals", Samples = 300, Classes = 3, Seed = 1 });
        Assert.Equal((240, 60, 3), (split.Train.Count, split.Test.Count, split.Train.ClassCount));
    }

    [Fact]
    public void Catalog_names_read_the_catalog()
    {
        IdxTestFiles.WriteCatalogSet(_dir.Path, gzip: false);
        DataSplit split = DataSources.Load(new DataOptions { Source = "mnist", DataDir = _dir.Path });
        Assert.Equal((6, 4), (split.Train.Count, split.Test.Count));
    }

    [Fact]
    public void Paths_read_csv_with_the_csv_options()
    {
        string train = _dir.WriteText("train.csv", "a,b,y\n1,2,0\n3,4,1\n");
        string test = _dir.WriteText("test.csv", "5,6,1\n");
        DataSplit split = DataSources.Load(new DataOptions { Source = train, TestData = test, LabelColumn = -1 });
        Assert.Equal((2, 1, 2), (split.Train.Count, split.Test.Count, split.Train.FeatureCount));
        Assert.Equal("train.csv", split.Train.Name);
    }

    [Fact]
    public void Unknown_name_is_a_usage_error_listing_the_choices()
    {
        var e = Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = "cifar" }));
        Assert.Equal("--data: unknown source 'cifar': expected fashion-mnist, mnist, blobs, xor, spirals, circles or a path to a CSV or .npy file", SettingFlags.Describe(e)); // what the CLI prints
        Assert.Equal(ExitCodes.UsageError, ExitCodes.For(e));
    }

    [Fact]
    public void Missing_csv_path_is_a_data_error()
    {
        var e = Assert.Throws<DataException>(() => DataSources.Load(new DataOptions { Source = "missing.csv" }));
        Assert.Equal("missing.csv: file not found", e.Message);
        Assert.Equal(ExitCodes.RuntimeError, ExitCodes.For(e));
    }

    [Theory]
    [InlineData(0.0, "--test-fraction 0: must be between 0 and 1 (exclusive)")]
    [InlineData(1.0, "--test-fraction 1: must be between 0 and 1 (exclusive)")]
    [InlineData(double.NaN, "--test-fraction NaN: must be between 0 and 1 (exclusive)")]
    public void Test_fraction_must_be_strictly_between_0_and_1(double fraction, string message)
        => Assert.Equal(message, SettingFlags.Describe(Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = "blobs", TestFraction = fraction }))));

    [Fact]
    public void Options_that_do_not_apply_are_refused_rather_than_ignored()
    {
        string csv = _dir.WriteText("d.csv", "0,1\n1,2\n");
        Assert.StartsWith("--classes applies only to synthetic sets",
            SettingFlags.Describe(Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = csv, Classes = 3 }))));
        Assert.StartsWith("--noise applies only to synthetic sets",
            SettingFlags.Describe(Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = "mnist", Noise = 0.1f }))));
        Assert.StartsWith("--test-data applies only to CSV and .npy files",
            SettingFlags.Describe(Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = "xor", TestData = csv }))));
        Assert.StartsWith("--samples 1",
            SettingFlags.Describe(Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = csv, Samples = 1 }))));
    }
}
