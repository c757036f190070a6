using System.CommandLine;
using GpuNet.Cli.Display;
using GpuNet.Data;
using GpuNet.Devices;
using GpuNet.IO;
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
        if (!(request.ValFraction >= 0 && request.ValFraction < 1))
            throw new UsageException($"--val-fraction must be in [0, 1) (got {request.ValFraction})");
        // With --json, stdout carries only the summary; progress goes to stderr.
        using var display = TrainingDisplays.Create(request.Json ? stderr : stdout, request.Quiet);

        var loaded = DataSources.Load(request.Data);
        var (trainSet, validationSet) = ValidationSplit.Carve(loaded.Train, request.ValFraction, request.Train.Seed);
        var data = loaded with { Train = trainSet };
        var options = request.ResolveEpochs(data.Train.Count);
        var spec = ModelSpec.Create(request.Model, data.Train.FeatureCount, data.Train.ClassCount, request.Hidden, request.Activation);
        if (request.Init == InitScheme.Zeros && spec.Kind == ModelKind.Mlp)
            throw new UsageException("--init zeros would leave every hidden unit identical; use it with --model logistic or softmax");

        using var backend = DeviceCatalog.Open(request.Device, out var notice);
        display.Note(notice);
        display.Note($"data: {data.Train.Name}, {data.Train.Count} train / {validationSet?.Count ?? 0} validation / {data.Test.Count} test rows, {data.Train.FeatureCount} features, {data.Train.ClassCount} classes");
        display.Note($"model: {spec.Describe()}, {spec.ParameterCount:N0} parameters; SGD lr {options.LearningRate} ({options.Schedule.ToString().ToLowerInvariant()}) momentum {options.Momentum} weight decay {options.WeightDecay}, batch {options.BatchSize}, {options.Epochs} epochs");

        int maxRows = Math.Max(options.BatchSize, options.EvalBatchSize);
        using var network = new Network(backend, spec, maxRows);
        network.Initialise(request.Init, options.Seed);
        using var trainer = new Trainer(backend, network, data, options, validationSet);

        var history = new List<EpochMetrics>();
        trainer.ProgressReported += display.Progress;
        trainer.EpochCompleted += e =>
        {
            history.Add(e);
            display.Epoch(e, options.Epochs);
            if (request.OutDir is { } dir) MetricsCsv.Write(Path.Combine(dir, "metrics.csv"), history);
        };
        var result = trainer.Fit();

        var summary = RunSummary.From(ModelSpec.Name(spec.Kind), backend.Device.Id, options, result, history[^1].ElapsedSeconds);
        if (request.OutDir is { } outDir) AtomicFile.WriteAllText(Path.Combine(outDir, "summary.json"), summary.ToJson() + "\n");
        display.Finish(history, summary);
        if (request.Json) stdout.WriteLine(summary.ToJson());
        return ExitCodes.Success;
    }
}
