using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Distributed;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Bench;

/// <summary>
/// Times training steps exactly as <see cref="Trainer"/> runs them (gather on the device, forward,
/// loss, backward, SGD update), one batch size at a time, with the default SGD recipe
/// (<see cref="TrainOptions"/>: lr 0.01, momentum 0.9). Only full batches are timed. Over the ranks of an
/// <see cref="ICollective"/> the batch is global and every rank must time the same number of steps.
/// </summary>
public static class TrainingBenchmark
{
    public static StepTimes Measure(IBackend backend, ModelSpec spec, DataSplit data, int batchSize, BenchTiming timing, int seed = 0, ICollective? collective = null) =>
        WithSteps(backend, spec, data, batchSize, seed, step => timing.Measure(backend, step), collective);

    /// <summary>
    /// Milliseconds per step spent in each op kind, over <paramref name="steps"/> steps after
    /// <paramref name="warmupSteps"/> (see <see cref="ProfilingBackend"/>), largest first, and the GEMM work per step.
    /// </summary>
    public static StepProfile Profile(
        IBackend backend, ModelSpec spec, DataSplit data, int batchSize, int warmupSteps, int steps, int seed = 0)
    {
        var profiler = new ProfilingBackend(backend);
        return WithSteps(profiler, spec, data, batchSize, seed, step => BenchSteps.Profile(profiler, step, warmupSteps, steps));
    }

    /// <summary>Builds the network and trainer for one batch size and hands <paramref name="use"/> a function that runs the next full training step.</summary>
    private static T WithSteps<T>(IBackend backend, ModelSpec spec, DataSplit data, int batchSize, int seed, Func<Action, T> use, ICollective? collective = null)
    {
        if (data.Train.Count < batchSize)
            throw new UsageException($"batch size {batchSize} is larger than the {data.Train.Count} training rows of {data.Train.Name}");
        var options = new TrainOptions { BatchSize = batchSize, EvalBatchSize = batchSize, Seed = seed };
        using var network = new Network(backend, spec, batchSize);
        network.Initialise(InitScheme.Auto, seed);
        using var trainer = new Trainer(backend, network, data, options, collective: collective);
        int fullSteps = data.Train.Count / batchSize;
        return use(BenchSteps.Cycle(fullSteps, epoch => trainer.BeginEpoch(epoch), step => trainer.TrainStep(step)));
    }
}
