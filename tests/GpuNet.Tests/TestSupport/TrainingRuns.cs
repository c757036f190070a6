namespace GpuNet.Tests.TestSupport;

/// <summary>Trains a model through the library API (no console) and returns every epoch's figures.</summary>
public static class TrainingRuns
{
    public static IReadOnlyList<EpochMetrics> Run(string device, DataOptions data, ModelKind kind, TrainOptions options,
        int[]? hidden = null, Activation activation = Activation.Relu, InitScheme init = InitScheme.Auto)
    {
        var split = DataSources.Load(data);
        var spec = ModelSpec.Create(kind, split.Train.FeatureCount, split.Train.ClassCount, hidden, activation);
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        using var network = new Network(backend, spec, Trainer.NetworkRows(options));
        network.Initialise(init, options.Seed);
        using var trainer = new Trainer(backend, network, split, options);
        return trainer.Fit().History;
    }
}
