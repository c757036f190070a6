namespace GpuNet.Tests.Training;

/// <summary>
/// The loss ops turn a label outside the model's classes into NaN (the backend contract); the Trainer refuses
/// such a set before it uploads anything, naming the set, the row and the label, as PyTorch's loss raises.
/// </summary>
public sealed class LabelRangeTests
{
    [Theory]
    [InlineData(ModelKind.Softmax, 3, "train", 3)]
    [InlineData(ModelKind.Softmax, 3, "test", -1)]
    [InlineData(ModelKind.Logistic, 2, "validation", 2)]
    public void A_set_with_a_label_outside_the_models_classes_is_refused(ModelKind kind, int classes, string set, int label)
    {
        var train = Set("train", classes, set == "train" ? label : null);
        var test = Set("test", classes, set == "test" ? label : null);
        var validation = Set("validation", classes, set == "validation" ? label : null);
        using var backend = TestDevices.Open("cpu");
        using var network = new Network(backend, ModelSpec.Create(kind, 2, classes, []), 8);

        var e = Assert.Throws<DataException>(() => new Trainer(backend, network, new DataSplit(train, test), new TrainOptions { BatchSize = 8 }, validation));
        Assert.Equal($"{set}: row 5 has label {label}, but the model has classes 0 to {classes - 1}", e.Message);
    }

    [Fact]
    public void Labels_inside_the_classes_are_accepted()
    {
        using var backend = TestDevices.Open("cpu");
        using var network = new Network(backend, ModelSpec.Create(ModelKind.Softmax, 2, 3, []), 8);
        using var trainer = new Trainer(backend, network, new DataSplit(Set("train", 3, null), Set("test", 3, null)), new TrainOptions { BatchSize = 8 });
        Assert.Equal(1, trainer.StepsPerEpoch);
    }

    /// <summary>Eight rows with labels 0, 1, ... cycling through the classes; row 5 gets <paramref name="badLabel"/> when given.</summary>
    private static Dataset Set(string name, int classes, int? badLabel)
    {
        var labels = Enumerable.Range(0, 8).Select(i => i % classes).ToArray();
        if (badLabel is { } bad) labels[5] = bad;
        return new Dataset(name, new float[16], labels, 2, classes);
    }
}
