using GpuNet.Data;
using Xunit;

namespace GpuNet.Tests.Data;

/// <summary>Checks that each synthetic set's defaults are as hard as its documentation says: no harder, no easier.</summary>
public sealed class SyntheticLearnabilityTests
{
    private static DataSplit Default(string name, int? classes = null)
        => DataSources.Load(new DataOptions { Source = name, Classes = classes, Seed = 7 });

    private static void Report(string what, double accuracy)
        => TestContext.Current.TestOutputHelper?.WriteLine($"{what}: test accuracy {accuracy:P1}");

    [Fact]
    public void Blobs_default_is_learned_by_logistic_regression()
    {
        double accuracy = TinyClassifier.TestAccuracy(Default("blobs"), hidden: 0, epochs: 300, learningRate: 0.05);
        Report("blobs, linear", accuracy);
        Assert.True(accuracy >= 0.98, $"logistic regression reached only {accuracy:P1} on blobs");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Spirals_need_a_hidden_layer(int classes)
    {
        DataSplit split = Default("spirals", classes);
        double linear = TinyClassifier.TestAccuracy(split, hidden: 0, epochs: 300, learningRate: 0.05);
        double mlp = TinyClassifier.TestAccuracy(split, hidden: 32, epochs: 1500, learningRate: 0.04);
        Report($"spirals ({classes} arms), linear", linear);
        Report($"spirals ({classes} arms), MLP 32", mlp);
        Assert.True(mlp >= 0.95, $"an MLP with 32 hidden units reached only {mlp:P1}");
        Assert.True(linear < 0.8, $"a linear model reached {linear:P1}: the spirals are too easy");
    }

    [Theory]
    [InlineData("xor")]
    [InlineData("circles")]
    public void Nonlinear_sets_are_learned_by_an_mlp_but_not_a_linear_model(string name)
    {
        DataSplit split = Default(name);
        double linear = TinyClassifier.TestAccuracy(split, hidden: 0, epochs: 300, learningRate: 0.05);
        double mlp = TinyClassifier.TestAccuracy(split, hidden: 32, epochs: 800, learningRate: 0.04);
        Report($"{name}, linear", linear);
        Report($"{name}, MLP 32", mlp);
        Assert.True(mlp >= 0.95, $"an MLP with 32 hidden units reached only {mlp:P1} on {name}");
        Assert.True(linear < 0.8, $"a linear model reached {linear:P1} on {name}");
    }
}
