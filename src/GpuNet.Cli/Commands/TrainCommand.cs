using GpuNet.Cli.Display;
using GpuNet.Cli.Plots;
using GpuNet.Distributed;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet train</c>: load data, build the model, open the device, train by minibatch gradient descent (SGD, Adam or AdamW), report and save.
/// With --out (or --resume) the run directory is held for the whole run (<see cref="RunDirectory"/>).
/// Under mpirun every rank runs this; rank 0 alone prints (besides errors) and writes the run directory.
/// </summary>
public static class TrainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var o = new TrainCommandOptions();
        return Verb.Create("train", "Train a classifier by minibatch gradient descent (SGD, Adam or AdamW) and report loss and accuracy after every epoch.", o.All, parsed => Run(o.Read(parsed), o, stdout, stderr));
    }

    private static int Run(TrainRequest request, TrainCommandOptions o, TextWriter stdout, TextWriter stderr)
    {
        if (request.OutDir is { } given && string.IsNullOrWhiteSpace(given)) throw new UsageException("--out needs a directory name (got an empty one)");
        if (request.Resume is { } named && string.IsNullOrWhiteSpace(named)) throw new UsageException("--resume needs the directory of a run (got an empty name)");
        if (request.Overwrite && request.OutDir is null && request.Resume is null) throw new UsageException("--overwrite applies to --out DIR");
        var launch = Collectives.Launch(request.Distributed);
        int ranks = launch?.Size ?? 1;
        bool writes = launch is null || launch.Rank == 0;
        TrainRequest? saved = null;
        if (request.Resume is { } resumeDir)
        {
            saved = RunManifest.Load(resumeDir);
            ResumeCheck.Require(request, saved, o, resumeDir, ranks);
            request = request.ContinuedFrom(saved, resumeDir);
        }
        else request = request.WithAbsoluteDataPaths() with { Ranks = ranks };
        if (!writes)
        {
            stdout = TextWriter.Null;
            stderr = TextWriter.Null; // progress only: errors still reach the process's stderr through GpuNetCli
        }
        request.Train.Validate();
        OptimizerOptions.Require(request);

        // Held from here to the end, so a second gpunet on the same folder fails at once.
        using var directory = request.OutDir is { } outDir && writes ? RunDirectory.Claim(outDir, request.DirectoryUse, Reads(request)) : null;
        // With --json, stdout carries only the summary; progress goes to stderr.
        using var display = TrainingDisplays.Create(request.Json ? stderr : stdout, request.Quiet);

        if (saved is not null) DataCheck.RequireSame(saved.DataFiles, request.Data);
        var (data, validationSet, standardization) = TrainData.Prepare(request);
        if (saved is null) request = request with { DataFiles = DataFile.Read(request.Data) };
        var (spec, options) = ModelPlan.For(request, data.Train);
        int maxRows = Trainer.NetworkRows(options);
        var initFrom = request.InitFrom is { } initFile ? ModelCheckpoint.Load(initFile, request.Activation) : null;
        initFrom?.RequireArchitecture(spec, $"--init-from {request.InitFrom}");
        var resumePoint = request.Resume is { } dir ? RunCheckpoints.LoadForResume(dir) : null;

        using var backend = DeviceCatalog.Open(DistributedOption.DeviceFor(request.Device, launch), out var notice);
        display.Note(notice);
        display.Note($"data: {data.Train.Name}, {data.Train.Count} train / {validationSet?.Count ?? 0} validation / {data.Test.Count} test rows, {data.Train.FeatureCount} features, {data.Train.ClassCount} classes");
        display.Note(FeaturesLine(request, standardization, data.Train));
        if (data.Encoding is { } encoding) display.Note(EncodingNote.For(encoding, data.Train.Count));
        if (initFrom is not null)
            foreach (var note in ModelFileNotes.For(initFrom, request.InitFrom!)) display.Note(note);
        if (MlpRecipe.Describe(request) is { } recipe) display.Note(recipe);
        display.Note($"model: {spec.Describe()}, {spec.ParameterCount:N0} parameters{(options.Dropout > 0 ? $", dropout {options.Dropout}" : "")}; {OptimizerOptions.Describe(options)}, batch {options.BatchSize}, {options.Epochs} epochs");
        if (ClassWeightOption.Describe(options.ClassWeight, data.Train) is { } weights) display.Note(weights);
        if (writes && directory is null) display.Note("not saved: without --out DIR the model, metrics and plots of this run are not kept");

        using var network = new Network(backend, spec, maxRows);
        network.Initialise(request.Init, options.Seed);
        if (initFrom is not null) network.ImportParameters(initFrom.Parameters);
        using var collective = DistributedOption.Join(launch, backend, network.Gradients, display.Note);
        // What only rank 0 shows (--json, --quiet, --plot-every) and where each rank runs (--device) may differ; nothing else.
        collective.RequireSame(System.Text.Json.JsonSerializer.Serialize(request with { Device = "", Json = false, Quiet = false, PlotEvery = 0 }), "options");
        using var trainer = new Trainer(backend, network, data, options, validationSet, standardization, collective);
        if (trainer.Streaming is { } plan)
            display.Note($"streaming: {plan.Reason}; {plan.ChunkCount} chunks of {plan.MaxChunkRows} rows, a shuffle buffer of {plan.BufferChunks} chunks ({plan.BufferRows} rows; --shuffle-buffer)");
        resumePoint?.Restore(network, trainer.Optimizer);
        if (resumePoint?.Best is { } best) trainer.SetBestWeights(best.Parameters);
        var start = resumePoint?.Optimizer.State;
        if (request.Resume is not null)
            display.Note(start is null
                ? $"resuming {request.Resume}: it saved no checkpoint yet, so the run starts from the beginning"
                : $"resuming {request.Resume} after epoch {start.Epoch}{(start.EpochComplete ? "" : $", step {start.StepInEpoch}")}");

        // run.json is written for a new run, and again only when a resumed one is extended (a shorter --epochs leaves it as it was).
        bool saveRequest = saved is null || options.Epochs > saved.ResolveEpochs(data.Train.Count).Epochs;
        var saver = directory is not null ? new RunSaver(directory, request, saveRequest, data.Train, Preprocessings.ForSource(request.Data.Source), standardization, data.Columns, data.Encoding) : null;
        var plots = directory is not null
            ? new TrainingPlots(directory.Path, backend, PlotPoints(data.Train, spec, standardization), PlotPoints(data.Test, spec, standardization), request.PlotEvery)
            : null;
        var history = new List<EpochMetrics>();
        var explosions = new ExplosionWatch(spec.Classes);
        trainer.ProgressReported += display.Progress;
        trainer.EpochCompleted += e =>
        {
            history.Add(e);
            display.Epoch(e, options.Epochs);
            if (explosions.Check(e, network) is { } x)
                display.Note($"warning: the run is exploding at epoch {x.Epoch} (training loss {x.TrainLoss:G4}, largest weight {x.LargestWeight:G4}); try a lower --lr or --clip-norm");
            saver?.AfterEpoch(trainer, e, history);
            plots?.AfterEpoch(network, e);
        };

        TrainResult result;
        // Signals stop training gracefully only while it runs; after that (the final plots) they end the process as usual.
        using (var interrupt = new InterruptHandler(display.Note))
        {
            try
            {
                result = Fit(trainer, start, collective, interrupt.Token);
            }
            catch (DivergedException e) when (e is { Epoch: 1, Step: 1 } && start is null && initFrom is null && standardization is null)
            {
                throw FirstStepOverflow(data.Train, e);
            }
            if (result.Interrupted)
            {
                var state = trainer.State;
                var where = $"epoch {state.Epoch}, step {state.StepInEpoch} of {trainer.StepsPerEpoch}";
                if (saver is not null && network.ParametersAreFinite())
                {
                    saver.SaveLast(trainer);
                    display.Note($"interrupted at {where} ({interrupt.Reason}); saved to {request.OutDir}; continue with: gpunet train --resume {request.OutDir}");
                }
                else display.Note($"interrupted at {where} ({interrupt.Reason}); nothing saved ({(writes ? "no --out" : "rank 0 saves")})");
                collective.Finish(); // after rank 0's save: a rank that exits 143 first makes mpirun kill the job, rank 0 mid-save
                return interrupt.ExitCode;
            }
        }
        if (history.Count == 0)
        {
            display.Note($"nothing to do: the run already has {options.Epochs} epochs (give --epochs to extend it)");
            return ExitCodes.Success;
        }

        // best_epoch always: the lowest validation loss of the whole run (resumed sittings included), or the last epoch without validation.
        var summary = RunSummary.From(ModelSpec.Name(spec.Kind), backend.Device.Id, options, result, history[^1].ElapsedSeconds) with { BestEpoch = trainer.State.BestEpoch };
        string summaryJson = SummaryJson.Write(summary, request);
        saver?.AfterTraining(summaryJson);
        plots?.AfterTraining(network, history, result.BestEpoch);
        display.Finish(history, summary);
        if (request.Json) stdout.WriteLine(summaryJson);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Trains, then ends the job's communication on every rank: after the last epoch, or an error every rank reaches
    /// together (divergence and bad evaluation data are judged on reduced figures). An agreed stop ends it later, once
    /// rank 0 has saved. A failure of one rank alone skips it, so that rank exits and the launcher ends the job instead
    /// of the others waiting forever.
    /// </summary>
    private static TrainResult Fit(Trainer trainer, TrainingState? start, ICollective collective, CancellationToken stop)
    {
        TrainResult result;
        try
        {
            result = trainer.Fit(start, stop);
        }
        catch (Exception e) when (e is DivergedException or EvaluationDataException)
        {
            collective.Finish();
            throw;
        }
        if (!result.Interrupted) collective.Finish();
        return result;
    }

    /// <summary>The files the run reads, which its run directory's files may not be (<see cref="RunDirectory.Claim"/>).</summary>
    internal static string[] Reads(TrainRequest request) =>
        [.. DataFile.Paths(request.Data), .. request.InitFrom is { } initFrom ? [initFrom] : Array.Empty<string>()];

    /// <summary>
    /// A loss that is not finite at a fresh run's first step comes before any update, so the learning rate plays no part:
    /// unstandardised features large enough to overflow float32 arithmetic do (values near 3.4e38). Named as a data error.
    /// </summary>
    private static DataException FirstStepOverflow(Dataset train, DivergedException diverged)
    {
        float largest = 0;
        var row = new float[train.FeatureCount];
        for (int r = 0; r < train.Count; r++)
        {
            train.ReadRow(r, row);
            largest = Math.Max(largest, Magnitude.Largest(row));
        }
        return new DataException(string.Create(CultureInfo.InvariantCulture,
            $"the training loss is not finite at the first step, before any update, so the learning rate plays no part: the training features reach magnitude {largest:G9} unstandardised, and values that large overflow float32 arithmetic; scale them (--standardize on)"),
            diverged);
    }

    /// <summary>The points a decision boundary is drawn among, where the network sees them: standardised when training standardises (2-D sets only, so the copy is small).</summary>
    private static Dataset PlotPoints(Dataset set, ModelSpec spec, Standardization? standardization) =>
        DecisionBoundaryPlot.Applies(spec) && standardization is not null ? standardization.ApplyTo(set) : set;

    /// <summary>The header line that says how the features are prepared, and warns when raw features differ wildly in scale.</summary>
    private static string FeaturesLine(TrainRequest request, Standardization? standardization, Dataset train)
    {
        string mode = request.Standardize.ToString().ToLowerInvariant();
        string why = request.Standardize != StandardizeMode.Auto ? "" : standardization is null ? ": off for IDX images and synthetic sets" : ": on for CSV and .npy files";
        bool pixels = Preprocessings.ForSource(request.Data.Source) == Preprocessing.ScaleBytes;
        string raw = pixels ? "pixels x/255" : "raw values";
        if (standardization is not null)
            return $"features: {raw}, standardized (z-score fitted on the {train.Count} training rows; --standardize {mode}{why})";
        // x/255 puts every pixel on one scale: a nearly constant border pixel is data, not a unit SGD would crawl on.
        var spread = Standardization.ScaleSpread(train);
        string warning = pixels || spread.Ratio <= StandardizeWarningRatio ? ""
            : $"; warning: feature scales differ by a factor of {spread.Ratio:G3} (feature {spread.Widest} has σ {spread.WidestStd:G3}, feature {spread.Narrowest} σ {spread.NarrowestStd:G3}): SGD may crawl or diverge; try --standardize on";
        return $"features: {raw}, not standardized (--standardize {mode}{why}){warning}";
    }

    /// <summary>Above this ratio of the widest to the narrowest column's σ, a run without standardisation is warned.</summary>
    private const double StandardizeWarningRatio = 1e3;
}
