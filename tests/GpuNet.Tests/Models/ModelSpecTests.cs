using GpuNet.Cli;

namespace GpuNet.Tests.Models;

public sealed class ModelSpecTests
{
    [Fact]
    public void Mlp_layers_follow_pytorch_linear_layout()
    {
        var spec = ModelSpec.Create(ModelKind.Mlp, 784, 10, [256, 128], Activation.Tanh);
        Assert.Equal([new LayerSpec(784, 256, Activation.Tanh), new LayerSpec(256, 128, Activation.Tanh), new LayerSpec(128, 10, Activation.Identity)], spec.Layers);
        Assert.Equal(784L * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10, spec.ParameterCount);
        Assert.Equal("mlp 784-256-128-10 tanh", spec.Describe());
    }

    [Fact]
    public void The_lectures_parameter_count()
    {
        // 40 inputs and 20 hidden units: 800 hidden weights; a 2-input, 3-hidden net has W1 of 3×2.
        var spec = ModelSpec.Create(ModelKind.Mlp, 40, 2, [20]);
        Assert.Equal(20 * 40, spec.Layers[0].Out * spec.Layers[0].In);
        var small = ModelSpec.Create(ModelKind.Mlp, 2, 2, [3]);
        Assert.Equal((3, 2), (small.Layers[0].Out, small.Layers[0].In));
    }

    [Fact]
    public void Logistic_regression_has_one_output_and_needs_two_classes()
    {
        Assert.Equal(1, ModelSpec.Create(ModelKind.Logistic, 2, 2).Outputs);
        var e = Assert.Throws<UsageException>(() => ModelSpec.Create(ModelKind.Logistic, 784, 10));
        Assert.Contains("10 classes", e.Message);
        Assert.Equal(ExitCodes.UsageError, ExitCodes.For(e));
    }

    [Fact]
    public void Hidden_layers_belong_to_mlps_only()
    {
        Assert.Throws<UsageException>(() => ModelSpec.Create(ModelKind.Softmax, 4, 3, [8]));
        Assert.Throws<UsageException>(() => ModelSpec.Create(ModelKind.Mlp, 4, 3, []));
        Assert.Throws<UsageException>(() => ModelSpec.Create(ModelKind.Mlp, 4, 3, [8, 0]));
    }
}
