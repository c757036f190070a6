namespace GpuNet.Tests.Data;

/// <summary>Reads the real Fashion-MNIST files that Debian's dataset-fashion-mnist package installs, when they are there.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class FashionMnistFileTests
{
    private const string Directory = "/usr/share/datasets/fashion-mnist";

    private static string File(string name)
    {
        string path = Path.Combine(Directory, name + ".gz");
        if (!System.IO.File.Exists(path))
            Assert.Skip($"{path} is absent; install it with `sudo apt-get install dataset-fashion-mnist`");
        return path;
    }

    [Fact]
    public void Training_images_are_60000_by_784_in_unit_range()
    {
        IdxImages images = IdxReader.ReadImages(File("train-images-idx3-ubyte"));
        Assert.Equal((60000, 28, 28), (images.Count, images.Rows, images.Columns));
        Assert.Equal(60000L * 784, images.Pixels.LongLength);
        Assert.Equal((0, 255), (images.Pixels.Min(), images.Pixels.Max()));
        Assert.Equal((0f, 1f), (images.ToUnit().Min(), images.ToUnit().Max()));
    }

    [Fact]
    public void Labels_cover_the_ten_classes_evenly()
    {
        ClassLabels labels = IdxReader.ReadLabels(File("train-labels-idx1-ubyte"), classCount: 10);
        Assert.Equal((60000, 1), (labels.Count, labels.Width));
        Assert.All(labels.CountBy(l => l), pair => Assert.Equal(6000, pair.Value));
    }

    [Fact]
    public void Catalog_load_gives_60k_train_and_10k_test_with_class_names()
    {
        File("t10k-images-idx3-ubyte");
        DataSplit split = DataSources.Load(new DataOptions { Source = "fashion-mnist", DataDir = Directory });
        Assert.Equal((60000, 784, 10), (split.Train.Count, split.Train.FeatureCount, split.Train.ClassCount));
        Assert.Equal((10000, 784, 10), (split.Test.Count, split.Test.FeatureCount, split.Test.ClassCount));
        Assert.Equal("T-shirt/top", split.Train.ClassNames[0]);
        Assert.Equal("Ankle boot", split.Test.ClassNames[9]);
    }
}
