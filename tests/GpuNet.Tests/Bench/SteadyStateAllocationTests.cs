using GpuNet.Backends.Cpu;
using GpuNet.Bench;

namespace GpuNet.Tests.Bench;

/// <summary>
/// A training step on the cpu backend allocates nothing once warm: every buffer is sized when the
/// network and trainer are built, and GEMM scratch is per-thread and reused. Measured on the calling
/// thread (the one that runs the elementwise ops, the loss, the update and its share of the GEMM tiles),
/// with <see cref="Allocations.OnThisThread"/>, which a blocking wait on the CPU workers cannot fool.
/// </summary>
public sealed class SteadyStateAllocationTests
{
    [Theory]
    [InlineData(ModelKind.Mlp, Activation.Relu, 128)]
    [InlineData(ModelKind.Mlp, Activation.Tanh, 32)]
    [InlineData(ModelKind.Mlp, Activation.Sigmoid, 7)]
    [InlineData(ModelKind.Softmax, Activation.Relu, 128)]
    [InlineData(ModelKind.Logistic, Activation.Relu, 33)]
    public void A_warm_training_step_allocates_nothing(ModelKind kind, Activation activation, int batch)
    {
        int classes = kind == ModelKind.Logistic ? 2 : 10;
        var data = BenchData.Random(rows: 8 * batch, features: 784, classes, seed: 1);
        var spec = ModelSpec.Create(kind, 784, classes, kind == ModelKind.Mlp ? [256, 64] : [], activation);
        using var backend = new CpuBackend();
        using var network = new Network(backend, spec, batch);
        network.Initialise(InitScheme.Auto, 1);
        using var trainer = new Trainer(backend, network, data, new TrainOptions { BatchSize = batch, EvalBatchSize = batch });
        trainer.BeginEpoch(1);
        for (int step = 0; step < 4; step++)
            trainer.TrainStep(step);

        long allocated = Allocations.OnThisThread(() =>
        {
            for (int step = 4; step < trainer.StepsPerEpoch; step++)
                trainer.TrainStep(step);
        });

        Assert.Equal(0, allocated);
    }
}
