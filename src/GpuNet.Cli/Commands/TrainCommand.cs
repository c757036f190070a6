using System.CommandLine;
using GpuNet.Data;
using GpuNet.Devices;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Cli.Commands;

/// <summary><c>gpunet train</c>: load data, build the model, open the device, run minibatch SGD, report.</summary>
public static class TrainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var o = new TrainCommandOptions();
        var command = new Command("train", "Train a classifier with minibatch SGD and report loss and accuracy after every epoch.");
        foreach (var option in o.All) command.Options.Add(option);
        command.SetAction(parsed => Run(o.Read(parsed), stdout, stderr));
        return command;
    }

    private static int Run(TrainRequest request, TextWriter stdout, TextWriter stderr)
    {
        request.Train.Validate();
        // With --json, stdout carries only the summary; progress goes to stderr.
        var log = request.Json ? stderr : stdout;

        var data = DataSources.Load(request.Data);
        var options = request.ResolveEpochs(data.Train.Count);
        var spec = ModelSpec.Create(request.Model, data.Train.FeatureCount, data.Train.ClassCount, request.Hidden, request.Activation);
        if (request.Init == InitScheme.Zeros && spec.Kind == ModelKind.Mlp)
            throw new UsageException("--init zeros would leave every hidden unit identical; use it with --model logistic or softmax");

        using var backend = DeviceCatalog.Open(request.Device, out var notice);
        log.WriteLine(notice);
        log.WriteLine($"data: {data.Train.Name}, {data.Train.Count} train / {data.Test.Count} test rows, {data.Train.FeatureCount} features, {data.Train.ClassCount} classes");
        log.WriteLine($"model: {spec.Describe()}, {spec.ParameterCount:N0} parameters; SGD lr {options.LearningRate} momentum {options.Momentum} weight decay {options.WeightDecay}, batch {options.BatchSize}, {options.Epochs} epochs");

        int maxRows = Math.Max(options.BatchSize, options.EvalBatchSize);
        using var network = new Network(backend, spec, maxRows);
        network.Initialise(request.Init, options.Seed);
        using var trainer = new Trainer(backend, network, data, options);

        var history = new List<EpochMetrics>();
        trainer.EpochCompleted += e =>
        {
            history.Add(e);
            log.WriteLine(EpochLine(e, options.Epochs));
            if (request.OutDir is { } dir) MetricsCsv.Write(Path.Combine(dir, "metrics.csv"), history);
        };
        trainer.Fit();

        var summary = RunSummary.From(ModelSpec.Name(spec.Kind), backend.Device.Id, options, history, history[^1].ElapsedSeconds);
        if (request.OutDir is { } outDir) IO.AtomicFile.WriteAllText(Path.Combine(outDir, "summary.json"), summary.ToJson() + "\n");
        if (request.Json) stdout.WriteLine(summary.ToJson());
        else stdout.WriteLine($"done: test accuracy {Units.Percent(summary.TestAccuracy)} (loss {summary.TestLoss:0.0000}) after {summary.Epochs} epochs on {summary.Device}, {Units.Rate(summary.SamplesPerSecond)} samples/s, {summary.Seconds:0.0} s");
        return ExitCodes.Success;
    }

    public static string EpochLine(EpochMetrics e, int epochs) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"epoch {e.Epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs}  train loss {e.Train.Loss:0.0000} acc {Units.Percent(e.Train.Accuracy)}  test loss {e.Test.Loss:0.0000} acc {Units.Percent(e.Test.Accuracy)}  {Units.Rate(e.SamplesPerSecond)} samples/s  {e.ElapsedSeconds:0.0}s");
}
