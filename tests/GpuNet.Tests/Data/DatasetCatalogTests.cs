namespace GpuNet.Tests.Data;

[Collection(EnvironmentCollection.Name)]
public sealed class DatasetCatalogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Sub(string name) => Path.Combine(_dir.Path, name);

    [Fact]
    public void Search_order_is_data_dir_then_env_then_cache_then_system()
    {
        IReadOnlyList<string> dirs = DatasetCatalog.SearchDirectories("mnist", "/dd", "/env", "/home/u", "/usr/share/datasets");
        Assert.Equal(
            ["/dd", "/dd/mnist", "/env", "/env/mnist", "/home/u/.cache/gpunet/mnist", "/home/u/.cache/gpunet/mnist/mnist",
             "/usr/share/datasets/mnist", "/usr/share/datasets/mnist/mnist"],
            dirs);
    }

    [Fact]
    public void Data_dir_wins_over_GPUNET_DATA()
    {
        IdxTestFiles.WriteCatalogSet(Sub("dd"), gzip: false, trainCount: 6);
        IdxTestFiles.WriteCatalogSet(Sub("env"), gzip: true, trainCount: 8);
        using var env = new EnvironmentVariableScope(DatasetCatalog.EnvironmentVariable, Sub("env"));

        Assert.Equal(Sub("dd"), DatasetCatalog.Locate("mnist", Sub("dd")).Directory);
        Assert.Equal(6, DatasetCatalog.Load("mnist", Sub("dd")).Train.Count);
        Assert.Equal(8, DatasetCatalog.Load("mnist", dataDir: null).Train.Count);
    }

    [Fact]
    public void Files_may_sit_in_a_subdirectory_named_after_the_set_and_be_gzipped_or_not()
    {
        IdxTestFiles.WriteCatalogSet(Path.Combine(Sub("env"), "mnist"), gzip: true);
        using var env = new EnvironmentVariableScope(DatasetCatalog.EnvironmentVariable, Sub("env"));

        CatalogFiles files = DatasetCatalog.Locate("mnist", dataDir: Sub("empty"));
        Assert.Equal(Path.Combine(Sub("env"), "mnist"), files.Directory);
        Assert.EndsWith("t10k-labels-idx1-ubyte.gz", files.TestLabels);

        DataSplit split = DatasetCatalog.Load("mnist", Sub("empty"));
        Assert.Equal((6, 4, 6, 10), (split.Train.Count, split.Test.Count, split.Train.FeatureCount, split.Train.ClassCount));
        Assert.Equal("7", split.Train.ClassNames[7]);
    }

    [Fact]
    public void Not_found_lists_every_place_and_what_to_do()
    {
        // A directory with only some of the files is reported as incomplete, not silently skipped.
        Directory.CreateDirectory(Sub("dd"));
        File.WriteAllBytes(Path.Combine(Sub("dd"), "train-images-idx3-ubyte.gz"), []);
        IReadOnlyList<string> places = DatasetCatalog.SearchDirectories("fashion-mnist", Sub("dd"), null, Sub("home"), Sub("system"));

        var e = Assert.Throws<DataException>(() => DatasetCatalog.Locate("fashion-mnist", places, envDir: null));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("fashion-mnist: dataset not found; looked in ", e.Message);
        Assert.All(places, place => Assert.Contains(place, e.Message));
        Assert.Contains("$GPUNET_DATA is not set", e.Message);
        Assert.Contains($"{Sub("dd")} lacks train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", e.Message);
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("~/.cache/gpunet/fashion-mnist", e.Message);
    }

    [Fact]
    public void Mnist_has_no_package_to_suggest()
    {
        var e = Assert.Throws<DataException>(() => DatasetCatalog.Locate("mnist", [Sub("none")], envDir: null));
        Assert.DoesNotContain("apt-get", e.Message);
        Assert.Contains("put the four IDX files", e.Message);
    }

    [Fact]
    public void Fashion_mnist_class_names_are_the_published_ones()
        => Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            DatasetCatalog.ClassNames("fashion-mnist"));
}
