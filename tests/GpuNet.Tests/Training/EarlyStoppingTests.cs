namespace GpuNet.Tests.Training;

public sealed class EarlyStoppingTests
{
    [Fact]
    public void Early_stopping_ends_the_run_on_the_best_validation_epoch()
    {
        // A large learning rate on few noisy points: validation loss bottoms out early, then wanders.
        var loaded = DataSources.Load(new DataOptions { Source = "blobs", Samples = 200, Noise = 2.5f, Seed = 4 });
        var (train, validation) = ValidationSplit.Carve(loaded.Train, 0.3, seed: 4);
        var spec = ModelSpec.Create(ModelKind.Mlp, 2, 2, [64]);
        var options = new TrainOptions { Epochs = 200, BatchSize = 16, LearningRate = 0.3f, Momentum = 0.9f, EarlyStoppingPatience = 5, Seed = 4 };
        using var backend = TestDevices.Open("cpu");
        using var network = new Network(backend, spec, 1024);
        network.Initialise(InitScheme.Auto, 4);
        using var trainer = new Trainer(backend, network, loaded with { Train = train }, options, validation);

        var result = trainer.Fit(cancellation: TestContext.Current.CancellationToken);

        Assert.True(result.StoppedEarly, $"ran all {result.History.Count} epochs");
        var best = result.History.MinBy(e => e.Validation!.Value.Loss)!;
        Assert.Equal(best.Epoch, result.BestEpoch);
        Assert.Equal(best.Epoch + options.EarlyStoppingPatience, result.History[^1].Epoch);
        Assert.True(best.IsBest);
        // The network now holds the best epoch's weights: evaluating it reproduces that epoch's validation loss.
        using var stats = new LossStats(backend, network.MaxRows);
        using var validationOnDevice = new DeviceDataset(backend, validation!, network.MaxRows);
        Assert.Equal(best.Validation!.Value.Loss, Evaluator.Evaluate(network, validationOnDevice, stats).Loss, 12);
    }

    [Fact]
    public void The_validation_split_is_seeded_and_disjoint_in_size()
    {
        var loaded = DataSources.Load(new DataOptions { Source = "spirals", Seed = 1 });
        var (trainA, validationA) = ValidationSplit.Carve(loaded.Train, 0.1, seed: 3);
        var (trainB, validationB) = ValidationSplit.Carve(loaded.Train, 0.1, seed: 3);
        Assert.Equal(loaded.Train.Count, trainA.Count + validationA!.Count);
        Assert.Equal(80, validationA.Count);
        Assert.Equal(validationA.Floats!, validationB!.Floats!);
        Assert.Equal(trainA.Labels, trainB.Labels);
        Assert.Null(ValidationSplit.Carve(loaded.Train, 0, seed: 3).Validation);
        Assert.Throws<UsageException>(() => ValidationSplit.Carve(loaded.Train, 1.0, seed: 3));
    }
}
