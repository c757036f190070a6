using System.CommandLine;
using GpuNet.Checkpoints;
using GpuNet.Cli.Display;
using GpuNet.Cli.Plots;
using GpuNet.Data;
using GpuNet.Devices;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Cli.Commands;

/// <summary><c>gpunet train</c>: load data, build the model, open the device, run minibatch SGD, report and save.</summary>
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
        if (request.Resume is { } resumeDir)
        {
            if (request.InitFrom is not null) throw new UsageException("--resume and --init-from cannot be combined: a resumed run continues from its own weights");
            request = request.ContinuedFrom(RunManifest.Load(resumeDir), resumeDir);
        }
        request.Train.Validate();
        if (!(request.ValFraction >= 0 && request.ValFraction < 1))
            throw new UsageException($"--val-fraction must be in [0, 1) (got {request.ValFraction})");
        if (request.PlotEvery < 0) throw new UsageException($"--plot-every must be 0 or a number of epochs (got {request.PlotEvery})");
        // With --json, stdout carries only the summary; progress goes to stderr.
        using var display = TrainingDisplays.Create(request.Json ? stderr : stdout, request.Quiet);

        var loaded = DataSources.Load(request.Data);
        var (trainSet, validationSet) = ValidationSplit.Carve(loaded.Train, request.ValFraction, request.Train.Seed);
        var data = loaded with { Train = trainSet };
        var options = request.ResolveEpochs(data.Train.Count);
        var spec = ModelSpec.Create(request.Model, data.Train.FeatureCount, data.Train.ClassCount, request.Hidden, request.Activation);
        if (request.Init == InitScheme.Zeros && spec.Kind == ModelKind.Mlp)
            throw new UsageException("--init zeros would leave every hidden unit identical; use it with --model logistic or softmax");
        var initFrom = request.InitFrom is { } initFile ? ModelCheckpoint.Load(initFile) : null;
        initFrom?.RequireArchitecture(spec, $"--init-from {request.InitFrom}");
        var resumePoint = request.Resume is { } dir ? RunCheckpoints.LoadForResume(dir) : null;

        using var backend = DeviceCatalog.Open(request.Device, out var notice);
        display.Note(notice);
        display.Note($"data: {data.Train.Name}, {data.Train.Count} train / {validationSet?.Count ?? 0} validation / {data.Test.Count} test rows, {data.Train.FeatureCount} features, {data.Train.ClassCount} classes");
        display.Note($"model: {spec.Describe()}, {spec.ParameterCount:N0} parameters; SGD lr {options.LearningRate} ({options.Schedule.ToString().ToLowerInvariant()}) momentum {options.Momentum} weight decay {options.WeightDecay}, batch {options.BatchSize}, {options.Epochs} epochs");

        using var network = new Network(backend, spec, Math.Max(options.BatchSize, options.EvalBatchSize));
        network.Initialise(request.Init, options.Seed);
        if (initFrom is not null) network.ImportParameters(initFrom.Parameters);
        using var trainer = new Trainer(backend, network, data, options, validationSet);
        resumePoint?.Restore(network);
        if (resumePoint?.Best is { } best) trainer.SetBestWeights(best.Parameters);
        var start = resumePoint?.Optimizer.State;
        if (start is not null)
            display.Note($"resuming {request.Resume} after epoch {start.Epoch}{(start.EpochComplete ? "" : $", step {start.StepInEpoch}")}");

        var saver = request.OutDir is { } outDir ? new RunSaver(outDir, request, data.Train, Preprocessings.ForSource(request.Data.Source)) : null;
        var plots = request.OutDir is { } plotDir ? new TrainingPlots(plotDir, backend, data.Train, data.Test, request.PlotEvery) : null;
        var history = new List<EpochMetrics>();
        trainer.ProgressReported += display.Progress;
        trainer.EpochCompleted += e =>
        {
            history.Add(e);
            display.Epoch(e, options.Epochs);
            saver?.AfterEpoch(network, trainer, e, history);
            plots?.AfterEpoch(network, e);
        };

        using var interrupt = new InterruptHandler(display.Note);
        var result = trainer.Fit(start, interrupt.Token);
        if (result.Interrupted)
        {
            var state = trainer.State;
            var where = $"epoch {state.Epoch}, step {state.StepInEpoch} of {trainer.StepsPerEpoch}";
            if (saver is not null && network.ParametersAreFinite())
            {
                saver.SaveLast(network, trainer);
                display.Note($"interrupted at {where}; saved to {request.OutDir}; continue with: gpunet train --resume {request.OutDir}");
            }
            else display.Note($"interrupted at {where}; nothing saved (no --out)");
            return ExitCodes.Interrupted;
        }
        if (history.Count == 0)
        {
            display.Note($"nothing to do: the run already has {options.Epochs} epochs (give --epochs to extend it)");
            return ExitCodes.Success;
        }

        var summary = RunSummary.From(ModelSpec.Name(spec.Kind), backend.Device.Id, options, result, history[^1].ElapsedSeconds);
        saver?.AfterTraining(summary);
        plots?.AfterTraining(network, history, result.BestEpoch);
        display.Finish(history, summary);
        if (request.Json) stdout.WriteLine(summary.ToJson());
        return ExitCodes.Success;
    }
}
