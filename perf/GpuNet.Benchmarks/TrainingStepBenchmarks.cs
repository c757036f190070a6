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
    private CpuBackend _backend = null!;
    private Network _network = null!;
    private Trainer _trainer = null!;
    private int _step;

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
        _backend = new CpuBackend();
        _network = new Network(_backend, spec, Batch);
        _network.Initialise(InitScheme.Auto, 0);
        _trainer = new Trainer(_backend, _network, data, new TrainOptions { BatchSize = Batch, EvalBatchSize = Batch });
        _trainer.BeginEpoch(1);
    }

    [Benchmark]
    public void TrainStep()
    {
        if (_step == 60_000 / Batch)
            _step = 0; // keep to full batches; the row order of epoch 1 is reused
        _trainer.TrainStep(_step++);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer.Dispose();
        _network.Dispose();
        _backend.Dispose();
    }
}
