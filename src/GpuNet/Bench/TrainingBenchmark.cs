using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Bench;

/// <summary>
/// Times training steps exactly as <see cref="Trainer"/> runs them (gather on the device, forward,
/// loss, backward, SGD update), one batch size at a time, with the default SGD recipe
/// (<see cref="TrainOptions"/>: lr 0.01, momentum 0.9). Only full batches are timed.
/// </summary>
public static class TrainingBenchmark
{
    public static StepTimes Measure(IBackend backend, ModelSpec spec, DataSplit data, int batchSize, BenchTiming timing, int seed = 0)
    {
        if (data.Train.Count < batchSize)
            throw new UsageException($"batch size {batchSize} is larger than the {data.Train.Count} training rows of {data.Train.Name}");
        var options = new TrainOptions { BatchSize = batchSize, EvalBatchSize = batchSize, Seed = seed };
        using var network = new Network(backend, spec, batchSize);
        network.Initialise(InitScheme.Auto, seed);
        using var trainer = new Trainer(backend, network, data, options);
        int fullSteps = data.Train.Count / batchSize;
        int epoch = 1, step = 0;
        trainer.BeginEpoch(epoch);
        return timing.Measure(backend, () =>
        {
            if (step == fullSteps)
            {
                trainer.BeginEpoch(++epoch);
                step = 0;
            }
            trainer.TrainStep(step++);
        });
    }
}
