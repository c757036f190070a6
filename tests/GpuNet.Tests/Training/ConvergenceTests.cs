namespace GpuNet.Tests.Training;

/// <summary>
/// The lectures' demos as tests: a linear model fits separable blobs, an MLP fits xor and spirals,
/// and a linear model cannot fit xor — the reason hidden layers exist. The models train on cpu only:
/// ilgpu-cpu's training steps are held to the float64 reference step by step by
/// <c>StepCheckTests</c>, and <c>gpunet train</c> fits spirals on it end to end once
/// (<c>TrainCliTests</c>); a second simulated run here cost a minute and checked nothing more.
/// </summary>
public sealed class ConvergenceTests
{
    private static readonly TrainOptions Recipe = new() { BatchSize = 32, LearningRate = 0.05f, Momentum = 0.9f, Seed = 7 };

    [Fact]
    public void Logistic_regression_separates_two_blobs_on_cpu()
    {
        var history = TrainingRuns.Run("cpu", new DataOptions { Source = "blobs", Seed = 7 }, ModelKind.Logistic, Recipe with { Epochs = 20 });
        Assert.True(history[^1].Test.Accuracy >= 0.98, $"test accuracy {history[^1].Test.Accuracy:P2}");
        Assert.True(history[^1].Train.Loss < history[0].Train.Loss, "training loss did not fall");
    }

    [Fact]
    public void Mlp_fits_xor_on_cpu()
    {
        var history = TrainingRuns.Run("cpu", new DataOptions { Source = "xor", Seed = 7 }, ModelKind.Mlp, Recipe with { Epochs = 60 }, hidden: [16], activation: Activation.Tanh);
        Assert.True(history[^1].Test.Accuracy >= 0.95, $"test accuracy {history[^1].Test.Accuracy:P2}");
    }

    [Fact]
    public void Mlp_fits_spirals_on_cpu()
    {
        var history = TrainingRuns.Run("cpu", new DataOptions { Source = "spirals", Seed = 7 }, ModelKind.Mlp, Recipe with { Epochs = 150 }, hidden: [32]);
        Assert.True(history[^1].Test.Accuracy >= 0.95, $"test accuracy {history[^1].Test.Accuracy:P2}");
    }

    [Theory]
    [InlineData("circles", null)]
    [InlineData("spirals", 3)]
    public void Mlp_fits_the_other_nonlinear_sets_on_cpu(string source, int? classes)
    {
        var history = TrainingRuns.Run("cpu", new DataOptions { Source = source, Classes = classes, Seed = 7 }, ModelKind.Mlp, Recipe with { Epochs = 150 }, hidden: [32]);
        Assert.True(history[^1].Test.Accuracy >= 0.95, $"{source}: test accuracy {history[^1].Test.Accuracy:P2}");
    }

    [Theory]
    [InlineData("spirals")]
    [InlineData("circles")]
    public void Linear_models_cannot_fit_the_nonlinear_sets(string source)
    {
        var history = TrainingRuns.Run("cpu", new DataOptions { Source = source, Seed = 7 }, ModelKind.Softmax, Recipe with { Epochs = 60 });
        Assert.True(history[^1].Test.Accuracy < 0.75, $"a linear model reached {history[^1].Test.Accuracy:P2} on {source}");
    }

    [Fact]
    public void Softmax_regression_cannot_fit_xor()
    {
        var history = TrainingRuns.Run("cpu", new DataOptions { Source = "xor", Seed = 7 }, ModelKind.Softmax, Recipe with { Epochs = 60 });
        Assert.True(history[^1].Test.Accuracy < 0.75, $"a linear model reached {history[^1].Test.Accuracy:P2} on xor");
    }

    [Fact]
    public void The_same_seed_gives_the_same_run_bit_for_bit_on_cpu()
    {
        var data = new DataOptions { Source = "spirals", Seed = 3 };
        var first = TrainingRuns.Run("cpu", data, ModelKind.Mlp, Recipe with { Epochs = 3 }, hidden: [16]);
        var second = TrainingRuns.Run("cpu", data, ModelKind.Mlp, Recipe with { Epochs = 3 }, hidden: [16]);
        Assert.Equal(first.Select(e => (e.Train, e.Test)), second.Select(e => (e.Train, e.Test)));
    }
}
