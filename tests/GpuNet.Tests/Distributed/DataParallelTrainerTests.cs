using GpuNet.Backends.Cpu;
using GpuNet.Distributed;

namespace GpuNet.Tests.Distributed;

/// <summary>
/// The trainer's data-parallel logic in one process, with ranks as threads (<see cref="ThreadRanks"/>): slices of the
/// global batch, gradients scaled by the global rows, class weights summed over the global batch, the global clipping
/// norm, reduced epoch and evaluation figures. Three ranks and an odd batch leave uneven slices and an empty one.
/// </summary>
public sealed class DataParallelTrainerTests
{
    [Theory]
    [InlineData(OptimizerKind.Sgd, 2, 64)]
    [InlineData(OptimizerKind.AdamW, 3, 31)] // 400 rows = 12 × 31 + 28; 31 rows over 3 ranks is 11, 10, 10
    [InlineData(OptimizerKind.Sgd, 3, 57)]   // 400 rows = 7 × 57 + 1: the last batch leaves ranks 1 and 2 empty
    public void Ranks_end_on_the_weights_and_figures_of_one_process(OptimizerKind optimizer, int ranks, int batch)
    {
        var data = SyntheticData.Generate("spirals", 500, classes: 3, noise: null, seed: 3, testFraction: 0.2); // 400 train rows
        var options = new TrainOptions
        {
            Epochs = 2, BatchSize = batch, EvalBatchSize = batch, LearningRate = optimizer == OptimizerKind.Sgd ? 0.1f : 0.01f, Optimizer = optimizer,
            WeightDecay = 1e-4f, ClipNorm = 0.5f, ClassWeight = ClassWeighting.BalancedWeights, Seed = 5,
        };
        var spec = ModelSpec.Create(ModelKind.Mlp, 2, 3, [16], GpuNet.Kernels.Activation.Tanh);
        var (single, singleHistory) = Train(spec, data, options, _ => null);

        using var job = new ThreadRanks(ranks);
        var results = job.Run(rank => Train(spec, data, options, backend => job.Rank(rank, backend)));
        foreach (var (weights, history) in results)
        {
            Assert.Equal(results[0].Weights, weights); // the ranks stay bit-identical
            for (int e = 0; e < history.Count; e++)
            {
                Assert.Equal(singleHistory[e].Train.Loss, history[e].Train.Loss, 1e-5);
                Assert.Equal(singleHistory[e].Test.Accuracy, history[e].Test.Accuracy, 1e-9);
            }
        }
        float largest = single.Max(Math.Abs);
        float worst = single.Zip(results[0].Weights, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-5f * largest, $"largest difference {worst:G3} of weights up to {largest:G3}");
    }

    private static (float[] Weights, IReadOnlyList<EpochMetrics> History) Train(ModelSpec spec, DataSplit data, TrainOptions options,
        Func<CpuBackend, ICollective?> join)
    {
        using var backend = new CpuBackend();
        var collective = join(backend);
        using var network = new Network(backend, spec, options.BatchSize);
        network.Initialise(InitScheme.Auto, options.Seed);
        using var trainer = new Trainer(backend, network, data, options, collective: collective);
        var history = trainer.Fit().History;
        return (network.ExportParameters().SelectMany(t => t.Data).ToArray(), history);
    }
}
