using BenchmarkDotNet.Attributes;
using GpuNet.Backends.Cpu;
using GpuNet.Bench;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Benchmarks;

/// <summary>
/// One training step (gather, forward, loss, backward, SGD with momentum) through <see cref="Trainer.TrainStep"/>,
/// on random data of the Fashion-MNIST shape. The memory diagnoser should report no allocation.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private CpuBackend backend = null!;
    private Network network = null!;
    private Trainer trainer = null!;
    private int step;

    [Params("mlp", "softmax")]
    public string Model { get; set; } = "";

    [Params(32, 128)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = BenchData.Random(rows: 60_000, features: 784, classes: 10, seed: 0);
        var kind = Enum.Parse<ModelKind>(Model, ignoreCase: true);
        var spec = ModelSpec.Create(kind, 784, 10, kind == ModelKind.Mlp ? [256] : []);
        backend = new CpuBackend();
        network = new Network(backend, spec, Batch);
        network.Initialise(InitScheme.Auto, 0);
        trainer = new Trainer(backend, network, data, new TrainOptions { BatchSize = Batch, EvalBatchSize = Batch });
        trainer.BeginEpoch(1);
    }

    [Benchmark]
    public void TrainStep()
    {
        if (step == 60_000 / Batch)
            step = 0; // keep to full batches; the row order of epoch 1 is reused
        trainer.TrainStep(step++);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        trainer.Dispose();
        network.Dispose();
        backend.Dispose();
    }
}
