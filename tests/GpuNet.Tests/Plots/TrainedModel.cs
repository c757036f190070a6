namespace GpuNet.Tests.Plots;

/// <summary>A model trained for a few epochs on a synthetic 2-D set, kept alive (backend and weights) for plotting.</summary>
internal sealed class TrainedModel(SharedBackend lease, Network network, DataSplit data, IReadOnlyList<EpochMetrics> history) : IDisposable
{
    public IBackend Backend => lease.Backend;
    public Network Network { get; } = network;
    public DataSplit Data { get; } = data;
    public IReadOnlyList<EpochMetrics> History { get; } = history;

    public static TrainedModel Train(string device, string data, ModelKind kind, int epochs, int[]? hidden = null, int classes = 2)
    {
        var split = DataSources.Load(new DataOptions { Source = data, Samples = 600, Classes = classes, Seed = 3 });
        var spec = ModelSpec.Create(kind, split.Train.FeatureCount, split.Train.ClassCount, hidden, Activation.Tanh);
        var options = new TrainOptions { Epochs = epochs, BatchSize = 32, LearningRate = 0.1f, Seed = 3, EvalBatchSize = 256 };
        var lease = TestDevices.Lease(device);
        Network? network = null;
        try
        {
            network = new Network(lease.Backend, spec, Trainer.NetworkRows(options));
            network.Initialise(InitScheme.Auto, options.Seed);
            using var trainer = new Trainer(lease.Backend, network, split, options);
            return new TrainedModel(lease, network, split, trainer.Fit().History);
        }
        catch
        {
            // A failed run must hand the shared device on, or every later test of it waits for the lease.
            network?.Dispose();
            lease.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Network.Dispose();
        lease.Dispose();
    }
}
