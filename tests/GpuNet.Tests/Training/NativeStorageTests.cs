using GpuNet.Backends.Cpu;

namespace GpuNet.Tests.Training;

/// <summary>
/// Features stored as bytes train exactly as their float32 copy would: the gather's conversion (x/255, then the z-score)
/// gives the bits the host used to compute, on every always-present device, and a warm step on bytes allocates nothing.
/// </summary>
public sealed class NativeStorageTests
{
    private const int Rows = 200, Features = 20, Classes = 3;

    private static DataSplit Bytes(int seed)
    {
        var random = new Random(seed);
        Dataset Make(int rows)
        {
            var pixels = new byte[rows * Features];
            random.NextBytes(pixels);
            // The label is the first pixel's third of 0..255, so the model has something to learn.
            int[] labels = Enumerable.Range(0, rows).Select(r => pixels[r * Features] * Classes / 256).ToArray();
            return new Dataset("bytes", pixels, 255f, labels, Features, Classes);
        }
        return new DataSplit(Make(Rows), Make(70));
    }

    private static Dataset AsFloats(Dataset bytes) => new(bytes.Name, bytes.ToFloat32(), bytes.Labels, bytes.FeatureCount, bytes.ClassCount, bytes.ClassNames);

    private static (IReadOnlyList<EpochMetrics> History, IReadOnlyList<NamedTensor> Weights) Train(string device, DataSplit data, Dataset validation, Standardization? z)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        var spec = ModelSpec.Create(ModelKind.Mlp, Features, Classes, [16], Activation.Relu);
        using var network = new Network(backend, spec, 64);
        network.Initialise(InitScheme.Auto, seed: 5);
        using var trainer = new Trainer(backend, network, data, new TrainOptions { Epochs = 3, BatchSize = 32, EvalBatchSize = 64, LearningRate = 0.5f, Seed = 2 },
            validation, z);
        var result = trainer.Fit();
        return (result.History, network.ExportParameters());
    }

    /// <summary>Twelve short runs, half of them on the ILGPU simulator: seconds, so [Slow].</summary>
    [Theory]
    [Slow]
    [MemberData(nameof(TestDevices.AlwaysPresent), MemberType = typeof(TestDevices))]
    public void Byte_features_train_bit_for_bit_like_their_float32_copy(string device)
    {
        var split = Bytes(seed: 11);
        var (train, validation) = ValidationSplit.Carve(split.Train, 0.2, seed: 1);
        var data = split with { Train = train };
        foreach (var z in new[] { null, Standardization.Fit(train) })
        {
            var fromBytes = Train(device, data, validation!, z);
            var fromFloats = Train(device, new DataSplit(AsFloats(train), AsFloats(split.Test)), AsFloats(validation!), z);
            Assert.Equal(fromFloats.History.Select(Figures), fromBytes.History.Select(Figures));
            Assert.Equal(fromFloats.Weights.SelectMany(t => t.Data), fromBytes.Weights.SelectMany(t => t.Data));
            Assert.True(fromBytes.History[^1].Train.Accuracy > 0.4, $"{device}: the byte set did not train ({fromBytes.History[^1].Train.Accuracy})");
        }
    }

    private static (double, double, double, double, double, double) Figures(EpochMetrics e) =>
        (e.Train.Loss, e.Train.Accuracy, e.Validation!.Value.Loss, e.Validation.Value.Accuracy, e.Test.Loss, e.Test.Accuracy);

    [Fact]
    public void On_cpu_an_adopted_array_is_the_device_buffer_itself()
    {
        using var backend = new CpuBackend();
        byte[] pixels = [1, 2, 3];
        Assert.Same(pixels, ((CpuBuffer<byte>)backend.Adopt(pixels)).Array);
    }

    [Fact]
    public void A_warm_step_over_standardised_bytes_allocates_nothing()
    {
        var data = Bytes(seed: 3);
        using var backend = new CpuBackend();
        var spec = ModelSpec.Create(ModelKind.Mlp, Features, Classes, [16], Activation.Relu);
        using var network = new Network(backend, spec, 32);
        network.Initialise(InitScheme.Auto, 1);
        using var trainer = new Trainer(backend, network, data, new TrainOptions { BatchSize = 32, EvalBatchSize = 32 }, standardization: Standardization.Fit(data.Train));
        trainer.BeginEpoch(1);
        for (int step = 0; step < 4; step++) trainer.TrainStep(step);
        Assert.Equal(0, Allocations.OnThisThread(() =>
        {
            for (int step = 4; step < trainer.StepsPerEpoch; step++) trainer.TrainStep(step);
        }));
    }
}
