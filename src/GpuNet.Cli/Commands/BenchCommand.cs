using System.CommandLine;
using GpuNet.Backends;
using GpuNet.Bench;
using GpuNet.Data;
using GpuNet.Devices;
using GpuNet.Nn;
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
        var command = new Command("bench", "Measure training throughput (samples/s, ms/step) across batch sizes and devices, or GEMM GFLOP/s with --op gemm.");
        foreach (var option in o.All) command.Options.Add(option);
        command.SetAction(parsed => Run(o.Read(parsed), stdout, stderr));
        return command;
    }

    private const int ProfileGemmSize = 1024;

    private static int Run(BenchRequest request, TextWriter stdout, TextWriter stderr)
    {
        // With --json, stdout carries only the JSON array; notices and the table go to stderr.
        var log = request.Json ? stderr : stdout;
        var data = LoadData(request);
        var spec = ModelSpec.Create(request.Model, data.Train.FeatureCount, data.Train.ClassCount, request.Hidden, request.Activation);
        if (request.Op == BenchOp.Gemm)
        {
            var cases = request.Sizes.Select(GemmCase.Square)
                .Concat(request.BatchSizes.SelectMany(b => GemmCase.TrainingShapes(b, spec.Layers[0].In, spec.Layers[0].Out)))
                .ToArray();
            foreach (var c in cases) // each case's operands are allocated on their own, so each is checked on its own
                RequireSize("--sizes or --batch-sizes", [($"{c.Label}: A", c.Shape.ExtentA), ($"{c.Label}: B", c.Shape.ExtentB), ($"{c.Label}: C", c.Shape.ExtentC)]);
            var gemms = OnEachDevice(request, log, backend =>
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
            return ExitCodes.Success;
        }

        int largest = request.BatchSizes.Max();
        RequireSize("--batch-sizes", Network.Buffers(spec, largest));
        if (data.Train.Count < largest)
            throw new UsageException($"--batch-sizes {largest} needs at least {largest} training rows, {data.Train.Name} has {data.Train.Count}");
        log.WriteLine($"model: {spec.Describe()} on {data.Train.Name}, {data.Train.Count} rows; SGD lr 0.01 momentum 0.9");
        var model = ModelSpec.Name(spec.Kind);
        var results = OnEachDevice(request, log, backend =>
        {
            // The GEMM-bound limit needs this device's own GEMM rate: a 1024³ GEMM, timed once per device.
            var gemmRate = request.Profile ? GemmBenchmark.Measure(backend, GemmCase.Square(ProfileGemmSize), request.Timing) : null;
            return request.BatchSizes.Select(batch =>
            {
                var result = TrainBenchResult.From(backend.Device.Id, model, batch, TrainingBenchmark.Measure(backend, spec, data, batch, request.Timing, request.Seed));
                if (gemmRate is not null)
                    BenchTable.WriteProfile(log, result, TrainingBenchmark.Profile(backend, spec, data, batch, request.Timing.WarmupRuns, Math.Max(20, result.StepsIn(1.0)), request.Seed), gemmRate);
                return result;
            }).ToArray();
        });
        BenchTable.WriteTraining(log, results);
        Emit(request, stdout, results, BenchReport.Csv(results));
        if (request.PlotPath is { } plot)
            BenchPlot.WriteThroughput(plot, spec.Describe(), results);
        return ExitCodes.Success;
    }

    /// <summary>Buffers that cannot be allocated are a usage error naming the options that asked for them, before any device is opened.</summary>
    private static void RequireSize(string options, IEnumerable<(string What, double Elements)> buffers)
    {
        try
        {
            BufferLimits.Check(buffers);
        }
        catch (BufferSizeException e)
        {
            throw new UsageException($"{options}: {e.Message}");
        }
    }

    private static DataSplit LoadData(BenchRequest request)
    {
        if (request.Data == BenchCommandOptions.RandomData)
            return BenchData.Random(request.Samples, 784, request.Model == ModelKind.Logistic ? 2 : 10, request.Seed);
        return DataSources.Load(new DataOptions { Source = request.Data, DataDir = request.DataDir, Seed = request.Seed });
    }

    /// <summary>Opens each device in turn (one at a time, so they never compete) and collects its results.</summary>
    private static List<T> OnEachDevice<T>(BenchRequest request, TextWriter log, Func<Backends.IBackend, IEnumerable<T>> measure)
    {
        var results = new List<T>();
        foreach (var device in request.Devices)
        {
            using var backend = DeviceCatalog.Open(device, out var notice);
            log.WriteLine(SettingFlags.ToFlags(notice));
            results.AddRange(measure(backend));
        }
        return results;
    }

    private static void Emit<T>(BenchRequest request, TextWriter stdout, IReadOnlyList<T> results, string csv)
    {
        if (request.Json) stdout.WriteLine(BenchReport.Json(results));
        if (request.CsvPath is { } path) IO.AtomicFile.WriteAllText(path, csv);
    }
}
