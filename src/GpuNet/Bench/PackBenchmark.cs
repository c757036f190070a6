using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Nn;
using GpuNet.Sweep;
using GpuNet.Sweep.Packing;
using GpuNet.Training;

namespace GpuNet.Bench;

/// <summary>
/// Times a pack of N copies of a model (seeds seed … seed + N − 1, the default SGD recipe) stepping together as a sweep
/// trains them (<see cref="PackStepper"/>: one gather, one packed step) against one solo step as <see cref="TrainingBenchmark"/>
/// times it, N solo steps costing N times that. The two are measured in interleaved rounds on the same device and the
/// medians of the rounds' medians compared, so a machine that slows down mid-run slows both.
/// </summary>
public static class PackBenchmark
{
    public static PackBenchResult Measure(IBackend backend, ModelSpec spec, DataSplit data, int batchSize, int models, BenchTiming timing, int seed = 0, int rounds = 3)
    {
        var solo = new List<double>();
        var pack = new List<double>();
        WithPack(backend, spec, data, batchSize, models, seed, step =>
        {
            for (int round = 0; round < rounds; round++)
            {
                solo.Add(TrainingBenchmark.Measure(backend, spec, data, batchSize, timing, seed).MedianMs);
                pack.Add(timing.Measure(backend, step).MedianMs);
            }
            return 0;
        });
        return PackBenchResult.From(backend.Device.Id, ModelSpec.Name(spec.Kind), batchSize, models, StepTimes.From(pack).MedianMs, StepTimes.From(solo).MedianMs);
    }

    /// <summary>The pack step split by op, as <see cref="TrainingBenchmark.Profile"/> splits a solo step (its calls per step are the pack's launches).</summary>
    public static StepProfile Profile(IBackend backend, ModelSpec spec, DataSplit data, int batchSize, int models, int warmupSteps, int steps, int seed = 0)
    {
        var profiler = new ProfilingBackend(backend);
        return WithPack(profiler, spec, data, batchSize, models, seed, step => BenchSteps.Profile(profiler, step, warmupSteps, steps));
    }

    private static T WithPack<T>(IBackend backend, ModelSpec spec, DataSplit data, int batchSize, int models, int seed, Func<Action, T> use)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(models, 1);
        if (data.Train.Count < batchSize)
            throw new UsageException($"batch size {batchSize} is larger than the {data.Train.Count} training rows of {data.Train.Name}");
        var options = new TrainOptions { BatchSize = batchSize, EvalBatchSize = batchSize, DataSeed = seed };
        int stepsPerEpoch = TrainOptions.StepsPerEpoch(data.Train.Count, batchSize), fullSteps = data.Train.Count / batchSize;
        using var sets = new PackData(backend, new PreparedData(data, null, null), batchSize, batchSize);
        var runs = new List<PackMemberRun>();
        try
        {
            for (int i = 0; i < models; i++)
                runs.Add(new PackMemberRun(backend, new SweepMember(i, spec, InitScheme.Auto, options with { Seed = seed + i }), stepsPerEpoch));
            var layout = new PackLayout(runs.Select(r => r.Member.Spec).ToArray());
            using var stepper = new PackStepper(backend, sets, layout, layout.Order.Select(i => runs[i]).ToArray(), stepsPerEpoch, maxStepRows: 1024);
            return use(BenchSteps.Cycle(fullSteps, epoch => stepper.BeginEpoch(epoch, firstStep: 0), step => stepper.Step(step)));
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
        }
    }
}
