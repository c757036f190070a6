namespace GpuNet.Tests.Models;

public sealed class GradientClippingTests
{
    [Theory]
    [MemberData(nameof(TestDevices.AlwaysPresentSimulatorSlow), MemberType = typeof(TestDevices))]
    public void A_clipped_step_moves_the_weights_by_lr_times_the_clip_norm(string device)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        var spec = ModelSpec.Create(ModelKind.Mlp, 4, 3, [6], Activation.Tanh);
        using var network = new Network(backend, spec, 8);
        network.Initialise(InitScheme.Xavier, 2);
        var rng = new Random(5);
        using var x = backend.Allocate<float>(8 * 4);
        using var y = backend.Allocate<int>(8);
        using var stats = new LossStats(backend, 8);
        backend.Upload<float>(Enumerable.Range(0, 32).Select(_ => (float)rng.NextDouble() * 4 - 2).ToArray(), x);
        backend.Upload<int>(Enumerable.Range(0, 8).Select(i => i % 3).ToArray(), y);

        network.ComputeGradients(x, y, 8, stats.Buffer, dropout: null);
        double norm = Math.Sqrt(Flatten(network.ExportGradients()).Sum(g => (double)g * g));
        float clip = (float)(norm / 4);
        var before = Flatten(network.ExportParameters());

        using var sgd = new Sgd(backend, network, momentum: 0f, weightDecay: 0f, nesterov: false, clipNorm: clip);
        sgd.Step(0.5f);

        var after = Flatten(network.ExportParameters());
        double moved = Math.Sqrt(before.Zip(after, (a, b) => (double)(a - b) * (a - b)).Sum());
        Assert.Equal(0.5 * clip, moved, 0.5 * clip * 1e-4);
    }

    [Fact]
    public void Clipping_keeps_an_aggressive_learning_rate_from_diverging()
    {
        var data = new GpuNet.Data.DataOptions { Source = "blobs", Seed = 2 };
        var recipe = new TrainOptions { Epochs = 3, BatchSize = 32, LearningRate = 1e38f, Momentum = 0f, Seed = 2 };
        Assert.Throws<DivergedException>(() => TrainingRuns.Run("cpu", data, ModelKind.Softmax, recipe));
        var clipped = TrainingRuns.Run("cpu", data, ModelKind.Softmax, recipe with { LearningRate = 1e3f, ClipNorm = 1e-3f });
        Assert.True(double.IsFinite(clipped[^1].Train.Loss));
        Assert.True(clipped[^1].Test.Accuracy > 0.95, $"test accuracy {clipped[^1].Test.Accuracy:P2}");
    }

    private static float[] Flatten(IReadOnlyList<NamedTensor> tensors) => tensors.SelectMany(t => t.Data).ToArray();
}
