using GpuNet.Bench;
using GpuNet.Distributed;
using GpuNet.Reference;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet bench</c>: training throughput across batch sizes and devices, or GEMM alone (--op gemm).
/// Each timed window of --window steps ends with one device synchronise (see <see cref="BenchTiming.Measure"/>); training itself never waits per step.
/// </summary>
public static class BenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var o = new BenchCommandOptions();
        return Verb.Create("bench", "Measure training throughput (samples/s, ms/step) across batch sizes and devices, or GEMM GFLOP/s with --op gemm.", o.All, parsed => Run(o.Read(parsed), stdout, stderr));
    }

    private static int Run(BenchRequest request, TextWriter stdout, TextWriter stderr)
    {
        // With --json, stdout carries only the JSON array; notices and the table go to stderr.
        var log = request.Json ? stderr : stdout;
        var launch = Collectives.Launch(request.Distributed);
        if (launch is not null) request = ForRanks(request, launch, ref stdout, ref log);
        var data = LoadData(request);
        var failures = new BenchFailures();
        var spec = ModelSpec.Create(request.Model, data.Train.FeatureCount, data.Train.ClassCount, request.Hidden, request.Activation);
        if (request.Op == BenchOp.Gemm)
        {
            var cases = request.Sizes.Select(GemmCase.Square)
                .Concat(request.BatchSizes.SelectMany(b => GemmCase.TrainingShapes(b, spec.Layers[0].In, spec.Layers[0].Out)))
                .ToArray();
            foreach (var c in cases) // each case's operands are allocated on their own, so each is checked on its own
                BufferCheck.Require("--sizes or --batch-sizes", [($"{c.Label}: A", c.Shape.ExtentA), ($"{c.Label}: B", c.Shape.ExtentB), ($"{c.Label}: C", c.Shape.ExtentC)]);
            var gemms = OnEachDevice(request, log, failures, backend =>
            {
                // The op's declaration first checks, then times: a fast wrong GEMM is no result.
                foreach (var shape in GemmOp.Shapes)
                {
                    var check = GemmOp.Check(backend, shape);
                    if (!check.Passed)
                        throw new GpuNetException($"{backend.Device.Id}: GEMM {GemmOp.Describe(shape)} fails its check against the float64 reference ({check.Worst}, {check.WorstRatio:G3} of the bound); not timing it");
                }
                return cases.Select(c => GemmBenchmark.Measure(backend, c, request.Timing)).ToArray();
            });
            BenchTable.WriteGemm(log, gemms);
            Emit(request, stdout, gemms, BenchReport.Csv(gemms));
            return failures.Report(stderr);
        }

        int largest = request.BatchSizes.Max();
        BufferCheck.Require($"--batch-sizes {largest}", Network.Buffers(spec, largest));
        if (data.Train.Count < largest)
            throw new UsageException($"--batch-sizes {largest} needs at least {largest} training rows, {data.Train.Name} has {data.Train.Count}");
        log.WriteLine($"model: {spec.Describe()} on {data.Train.Name}, {data.Train.Count} rows; SGD lr 0.01 momentum 0.9");
        var model = ModelSpec.Name(spec.Kind);
        if (request.Models is { } models)
            return RunPacks(request, spec, data, models, stdout, stderr, log, launch, failures);
        var results = OnEachDevice(request, log, launch, failures, (backend, collective) =>
        {
            // The GEMM-bound limit needs this device's own GEMM rate: a 1024³ GEMM, timed once per device, within seconds.
            var gemmRate = request.Profile ? ProfileGemmRate.Measure(backend, request.Timing, log) : null;
            return request.BatchSizes.Select(batch =>
            {
                collective?.Reset();
                var result = TrainBenchResult.From(backend.Device.Id, model, batch, TrainingBenchmark.Measure(backend, spec, data, batch, request.Timing, request.Seed, collective));
                if (collective is not null) log.WriteLine(AllReduceShare(collective, batch, result));
                if (request.Profile)
                    BenchTable.WriteProfile(log, $"{result.Device}, batch {result.BatchSize}", result.BatchSize, result.MsPerStep, TrainingBenchmark.Profile(backend, spec, data, batch, request.Timing.WarmupRuns, Math.Max(20, result.StepsIn(1.0)), request.Seed), gemmRate);
                return result;
            }).ToArray();
        });
        BenchTable.WriteTraining(log, results);
        Emit(request, stdout, results, BenchReport.Csv(results));
        if (request.PlotPath is { } plot)
            BenchPlot.WriteThroughput(plot, spec.Describe(), results);
        return failures.Report(stderr);
    }

    /// <summary>bench --models N: a pack of N models against N solo steps, per device and batch size; --profile splits the pack's step.</summary>
    private static int RunPacks(BenchRequest request, ModelSpec spec, DataSplit data, int models, TextWriter stdout, TextWriter stderr, TextWriter log,
        LaunchEnvironment? launch, BenchFailures failures)
    {
        if (launch is not null) throw new UsageException("--models times one process's pack; give --distributed off under mpirun");
        log.WriteLine($"pack: {models} copies of the model (seeds {request.Seed}…{request.Seed + models - 1}) in each step, against {models} solo steps; 3 interleaved rounds");
        var results = OnEachDevice(request, log, failures, backend => request.BatchSizes.Select(batch =>
        {
            var result = PackBenchmark.Measure(backend, spec, data, batch, models, request.Timing, request.Seed);
            if (request.Profile)
                BenchTable.WriteProfile(log, $"{backend.Device.Id}, batch {batch}, pack of {models}", batch, result.PackMsPerStep,
                    PackBenchmark.Profile(backend, spec, data, batch, models, request.Timing.WarmupRuns, 20, request.Seed), gemmRate: null);
            return result;
        }).ToArray());
        BenchTable.WritePacks(log, results);
        Emit(request, stdout, results, BenchReport.Csv(results));
        return failures.Report(stderr);
    }

    private static DataSplit LoadData(BenchRequest request)
    {
        if (request.Data == BenchCommandOptions.RandomData)
            return BenchData.Random(request.Samples, 784, request.Model == ModelKind.Logistic ? 2 : 10, request.Seed);
        // A CSV's categorical columns are one-hot, as train encodes them: the network is the width a trained one would be.
        var split = DataSources.Load(new DataOptions { Source = request.Data, DataDir = request.DataDir, Seed = request.Seed });
        var (loaded, train, _) = TableEncodings.Encode(split, split.Train, null, null);
        return loaded with { Train = train };
    }

    /// <summary>Opens each device in turn (one at a time, so they never compete) and collects its results.</summary>
    private static List<T> OnEachDevice<T>(BenchRequest request, TextWriter log, BenchFailures failures, Func<Backends.IBackend, IEnumerable<T>> measure) =>
        OnEachDevice(request, log, launch: null, failures, (backend, _) => measure(backend));

    /// <summary>
    /// <see cref="OnEachDevice{T}(BenchRequest, TextWriter, BenchFailures, Func{Backends.IBackend, IEnumerable{T}})"/>; under a launch (one device, see
    /// <see cref="ForRanks"/>) every rank joins the job on its device and the steps are timed with their all-reduce.
    /// Of several devices, one that fails keeps the others' figures: its error goes to <paramref name="failures"/>.
    /// </summary>
    private static List<T> OnEachDevice<T>(BenchRequest request, TextWriter log, LaunchEnvironment? launch, BenchFailures failures, Func<Backends.IBackend, TimedCollective?, IEnumerable<T>> measure)
    {
        var results = new List<T>();
        foreach (var device in request.Devices)
        {
            try
            {
                results.AddRange(MeasureOn(device, request.Unfused, log, launch, measure));
            }
            catch (GpuNetException e) when (request.Devices.Count > 1)
            {
                failures.Add(device, e);
            }
        }
        failures.ThrowWhenNothingMeasured(results.Count);
        return results;
    }

    private static T[] MeasureOn<T>(string device, bool unfused, TextWriter log, LaunchEnvironment? launch, Func<Backends.IBackend, TimedCollective?, IEnumerable<T>> measure)
    {
        using var backend = DeviceCatalog.Open(DistributedOption.DeviceFor(device, launch), out var notice);
        log.WriteLine(notice);
        if (unfused && backend is Backends.Ilgpu.IlgpuBackend ilgpu)
        {
            ilgpu.FusedEpilogues = false;
            log.WriteLine($"{backend.Device.Id}: GEMM epilogues unfused (--unfused): bias + activation, activation backward and bias gradient launch on their own");
        }
        if (launch is null) return measure(backend, null).ToArray();
        // The gradients of the largest network timed: the collective only needs a buffer of the device for NCCL's binding.
        using var probe = backend.Allocate<float>(1);
        using var collective = new TimedCollective(DistributedOption.Join(launch, backend, probe, log.WriteLine));
        var results = measure(backend, collective).ToArray();
        collective.Finish();
        return results;
    }

    /// <summary>
    /// A bench under mpirun: one device, the training step only, a fixed number of steps (every rank must run as many
    /// all-reduces as the others: a time-based loop would leave one waiting), and rank 0 alone prints and writes.
    /// </summary>
    private static BenchRequest ForRanks(BenchRequest request, LaunchEnvironment launch, ref TextWriter stdout, ref TextWriter log)
    {
        if (request.Op == BenchOp.Gemm) throw new UsageException("--op gemm times one process; leave out mpirun or give --distributed off");
        if (request.Devices.Count != 1) throw new UsageException($"under mpirun bench times one --device per rank (got {string.Join(",", request.Devices)})");
        if (request.Profile) throw new UsageException("--profile times the ops of one process; give --distributed off to profile under mpirun");
        if (launch.Rank != 0)
        {
            stdout = TextWriter.Null;
            log = TextWriter.Null;
            request = request with { CsvPath = null, PlotPath = null };
        }
        var timing = request.Timing;
        return request with { Timing = timing with { WarmupSeconds = 0, MinSeconds = 0, MaxRuns = timing.MinRuns } };
    }

    /// <summary>The all-reduce's mean wall time per step (warm-up included) against the median step, for the log.</summary>
    private static string AllReduceShare(TimedCollective collective, int batch, TrainBenchResult result)
    {
        double reduceMs = collective.GradientReductionTime.TotalMilliseconds / Math.Max(1, collective.GradientReductions);
        return $"batch {batch}: all-reduce {reduceMs:0.000} ms of a {result.MsPerStep:0.000} ms step ({100 * reduceMs / result.MsPerStep:0.#}%), mean over {collective.GradientReductions} steps with warm-up";
    }

    private static void Emit<T>(BenchRequest request, TextWriter stdout, IReadOnlyList<T> results, string csv)
    {
        if (request.Json) stdout.WriteLine(BenchReport.Json(results));
        if (request.CsvPath == Data.InputFile.StandardInput) stdout.Write(csv);
        else if (request.CsvPath is { } path) IO.AtomicFile.WriteAllText(path, csv);
    }
}
