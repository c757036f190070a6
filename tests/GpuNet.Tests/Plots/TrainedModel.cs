namespace GpuNet.Tests.Plots;

/// <summary>A model trained for a few epochs on a synthetic 2-D set, kept alive (backend and weights) for plotting.</summary>
internal sealed class TrainedModel(IBackend backend, Network network, DataSplit data, IReadOnlyList<EpochMetrics> history) : IDisposable
{
    public IBackend Backend { get; } = backend;
    public Network Network { get; } = network;
    public DataSplit Data { get; } = data;
    public IReadOnlyList<EpochMetrics> History { get; } = history;

    public static TrainedModel Train(string device, string data, ModelKind kind, int epochs, int[]? hidden = null, int classes = 2)
    {
        var split = DataSources.Load(new DataOptions { Source = data, Samples = 600, Classes = classes, Seed = 3 });
        var spec = ModelSpec.Create(kind, split.Train.FeatureCount, split.Train.ClassCount, hidden, Activation.Tanh);
        var options = new TrainOptions { Epochs = epochs, BatchSize = 32, LearningRate = 0.1f, Seed = 3, EvalBatchSize = 256 };
        var backend = TestDevices.Open(device);
        var network = new Network(backend, spec, options.EvalBatchSize);
        network.Initialise(InitScheme.Auto, options.Seed);
        using var trainer = new Trainer(backend, network, split, options);
        return new TrainedModel(backend, network, split, trainer.Fit().History);
    }

    public void Dispose()
    {
        Network.Dispose();
        Backend.Dispose();
    }
}
