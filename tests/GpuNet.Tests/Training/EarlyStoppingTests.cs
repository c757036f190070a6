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

    /// <summary>Keras's callback: wait counts epochs since the best, resets on improvement, and the flag rises at patience.</summary>
    [Fact]
    public void The_callback_counts_its_wait_and_raises_the_stop_flag_at_patience()
    {
        using var lease = TestDevices.Lease("cpu");
        using var network = new Network(lease.Backend, ModelSpec.Create(ModelKind.Logistic, 2, 2), maxRows: 1);
        using var stopping = new EarlyStopping(lease.Backend, network, patience: 2);
        stopping.OnTrainBegin(TrainingState.Start);

        var seen = new List<(int Wait, bool Stop)>();
        foreach (var (epoch, improved) in new[] { (1, true), (2, false), (3, true), (4, false), (5, false) })
        {
            stopping.OnEpochEnd(epoch, improved);
            seen.Add((stopping.Wait, stopping.StopTraining));
        }

        Assert.Equal([(0, false), (1, false), (0, false), (1, false), (2, true)], seen);
        Assert.Equal(3, stopping.BestEpoch);
    }

    /// <summary>restore_best_weights: the network gets back the best epoch's weights, not the last ones.</summary>
    [Fact]
    public void The_callback_restores_the_weights_of_its_best_epoch()
    {
        using var lease = TestDevices.Lease("cpu");
        using var network = new Network(lease.Backend, ModelSpec.Create(ModelKind.Logistic, 2, 2), maxRows: 1);
        using var stopping = new EarlyStopping(lease.Backend, network, patience: 1);
        stopping.OnTrainBegin(TrainingState.Start);
        NamedTensor[] Weights(float a) => [new("layers.0.weight", [1, 2], [a, -a]), new("layers.0.bias", [1], [a / 2])];

        network.ImportParameters(Weights(1f));
        stopping.OnEpochEnd(1, improved: true);
        network.ImportParameters(Weights(7f));
        stopping.OnEpochEnd(2, improved: false);
        Assert.True(stopping.StopTraining);
        stopping.RestoreBestWeights();

        Assert.Equal(Weights(1f).Select(t => t.Data), network.ExportParameters().Select(t => t.Data));
    }

    /// <summary>A resumed run continues the wait from its state; seeded best weights are what a restore brings back.</summary>
    [Fact]
    public void A_resumed_callback_continues_the_wait_and_restores_the_seeded_best()
    {
        using var lease = TestDevices.Lease("cpu");
        using var network = new Network(lease.Backend, ModelSpec.Create(ModelKind.Logistic, 2, 2), maxRows: 1);
        using var stopping = new EarlyStopping(lease.Backend, network, patience: 3);
        NamedTensor[] best = [new("layers.0.weight", [1, 2], [0.5f, 0.25f]), new("layers.0.bias", [1], [-1f])];
        NamedTensor[] current = [new("layers.0.weight", [1, 2], [2f, 3f]), new("layers.0.bias", [1], [4f])];
        network.ImportParameters(current);

        stopping.OnTrainBegin(TrainingState.Start with { Epoch = 6, EpochComplete = true, BestEpoch = 4 });
        stopping.SetBestWeights(best);

        Assert.Equal(current.Select(t => t.Data), network.ExportParameters().Select(t => t.Data)); // seeding leaves the network alone
        Assert.Equal(2, stopping.Wait);
        stopping.OnEpochEnd(7, improved: false);
        Assert.True(stopping.StopTraining);
        stopping.RestoreBestWeights();
        Assert.Equal(best.Select(t => t.Data), network.ExportParameters().Select(t => t.Data));
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
        Assert.Throws<GpuNet.Settings.SettingException>(() => ValidationSplit.Carve(loaded.Train, 1.0, seed: 3));
    }
}
