using GpuNet.Cli.Display;
using GpuNet.Cli.Plots;
using GpuNet.Distributed;
using GpuNet.Sweep;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet sweep</c>: many models, one per point of a grid of train options, trained on data loaded and prepared
/// once, each in an ordinary run directory and with the bits <c>gpunet train</c> gives it alone; then sweep.json,
/// sweep.csv, validation.png and best/. The models train through the <see cref="ISweepExecutor"/> that
/// <see cref="SweepExecutors.For"/> chooses: packs of models in shared launches.
/// </summary>
public static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var o = new SweepCommandOptions();
        return Verb.Create("sweep", "Train one model per combination of the listed train options on data loaded once, with a leaderboard, sweep.json/.csv and the best model in best/.",
            o.All, parsed => Run(parsed, o, stdout));
    }

    private static int Run(ParseResult parsed, SweepCommandOptions o, TextWriter stdout)
    {
        string? resume = parsed.GetValue(o.Resume);
        if (resume is not null && o.ShapesGiven(parsed))
            throw new UsageException($"--resume {resume} continues the sweep as it was planned: only --device and --quiet may be given besides");
        string dir = resume ?? parsed.GetValue(o.Out) ?? throw new UsageException("sweep needs --out DIR for its results (or --resume DIR to continue one)");
        if (string.IsNullOrWhiteSpace(dir)) throw new UsageException("--out needs a directory name (got an empty one)");
        if (resume is null && File.Exists(Path.Combine(dir, SweepResults.FileName)))
            throw new UsageException($"--out {dir} already holds a sweep ({SweepResults.FileName}); continue it with --resume {dir}, or choose another --out");
        if (resume is null) SweepOutputs.RequireFresh(dir);
        var results = resume is not null ? SweepResults.Load(resume) : Plan(parsed, o);
        // Every model is read and checked as train would check it before anything is written or trained.
        var requests = results.Models.Select(m => m.Model.Request(dir)).ToList();

        // Under mpirun the ranks share out the models (no gradient is reduced); rank 0 holds the sweep's directory and writes its results.
        var launch = Collectives.Launch(DistributedMode.Auto);
        bool writes = launch is null || launch.Rank == 0;
        using var claim = writes ? RunDirectory.Claim(dir, resume is null ? RunDirectoryUse.New : RunDirectoryUse.Resume, TrainCommand.Reads(requests[0])) : null;
        if (writes && resume is not null) SweepOutputs.RequireOwn(dir); // before anything is written over: sweep.csv follows every epoch
        var display = SweepDisplays.Create(writes ? stdout : TextWriter.Null, parsed.GetValue(o.Quiet), results);
        var first = requests[0];
        // A resumed sweep trains on the bytes it began on: the first model's run.json fingerprinted them.
        if (resume is not null && requests.Select(r => Path.Combine(r.OutDir!, RunManifest.FileName)).FirstOrDefault(File.Exists) is { } manifest)
            DataCheck.RequireSame(RunManifest.Load(Path.GetDirectoryName(manifest)!).DataFiles, first.Data);
        var data = TrainData.Prepare(first);
        var dataFiles = DataFile.Read(first.Data);
        requests = requests.Select(r => r with { DataFiles = dataFiles }).ToList();
        var members = requests.Select((r, i) => Member(i, r, data, results.Models[i].Model)).ToList();
        string device = parsed.GetResult(o.Device) is { Implicit: false } ? parsed.GetValue(o.Device)! : first.Device;

        using var backend = DeviceCatalog.Open(DistributedOption.DeviceFor(device, launch), out var notice);
        using var handle = backend.Allocate<float>(1); // a collective is joined over a buffer; a sweep reduces none
        using var collective = DistributedOption.Join(launch, backend, handle, display.Note);
        // An MPMD mpirun gives each rank its own command line: every rank must plan the same models, or they would share out different ones.
        collective.RequireSame(System.Text.Json.JsonSerializer.Serialize(results.Models.Select(m => m.TrainArgs)), "models");
        display.Note(notice);
        var train = data.Data.Train;
        display.Note($"data: {train.Name}, {train.Count} train / {data.Validation?.Count ?? 0} validation / {data.Data.Test.Count} test rows, loaded once for all models; data seed {first.Train.OrderSeed}");
        int RankOf(int index) => index % collective.Size;
        var pending = members.Where(m => !results.Models[m.Index].Finished).ToList();
        var executor = SweepExecutors.For(backend, data, first.Train);
        display.Note($"sweep: {members.Count} models{(results.Differing.Count > 0 ? $" over {string.Join(", ", results.Differing)}" : "")}, {members[0].Options.Epochs} epochs each, {(executor is SequentialExecutor ? "one after another (the training set streams)" : "trained together in packs")}{(collective.Size > 1 ? $" on each of {collective.Size} ranks" : "")}{(pending.Count < members.Count ? $"; {members.Count - pending.Count} finished in an earlier sitting" : "")}");
        if (writes && resume is null) results.Save(dir);
        Span<double> planned = [1];
        collective.AllReduce(planned, ReduceOp.Min); // the other ranks write their models' directories once rank 0 has claimed the sweep's

        using var runner = new SweepRunner(dir, writes, results, requests, data, backend.Device.Id, display);
        using (var interrupt = new InterruptHandler(display.Note))
        {
            bool complete = display.Show(() => executor.Run(pending.Where(m => RankOf(m.Index) == collective.Rank).ToList(), runner, interrupt.Token));
            SweepGather.ToRankZero(collective, results, RankOf);
            Span<double> stopped = [complete ? 0 : 1];
            collective.AllReduce(stopped, ReduceOp.Max);
            if (stopped[0] > 0)
            {
                if (writes) results.Save(dir);
                display.Note($"interrupted ({interrupt.Reason}); the model in progress saved its checkpoint; continue with: gpunet sweep --resume {dir}");
                collective.Finish();
                return interrupt.ExitCode;
            }
        }
        collective.Finish();
        if (!writes) return ExitCodes.Success;
        SweepBest.Write(dir, results.Best);
        bool plotted = SweepPlot.Save(Path.Combine(dir, SweepPlot.FileName), results);
        if (plotted) RunOutputs.Record(dir, SweepPlot.FileName);
        results.Save(dir);
        display.Finish();
        display.Note(results.Best is { } best
            ? $"best: model {best.Name} ({best.Model.Describe()}), validation loss {best.RankingLoss!.Value.ToString("0.0000", CultureInfo.InvariantCulture)} at epoch {best.BestEpoch}; copied to {Path.Combine(dir, SweepBest.Folder)}"
            : "best: none (no model finished with a validation loss; give --val-fraction above 0 to rank them)");
        display.Note($"results: {Path.Combine(dir, SweepResults.FileName)}, {Path.Combine(dir, SweepCsv.FileName)}{(plotted ? $", {Path.Combine(dir, SweepPlot.FileName)}" : "")}");
        return results.Models.All(m => m.Status == MemberStatus.Diverged) ? ExitCodes.Diverged : ExitCodes.Success;
    }

    /// <summary>The models of a new sweep: the grid of the command line's lists (and --grid's rows), each with the shared options and one data seed.</summary>
    private static SweepResults Plan(ParseResult parsed, SweepCommandOptions o)
    {
        var shared = o.SharedArgs(parsed);
        // One data order for every model, written out so each model's train_args reproduce it alone (train's default would follow its --seed).
        if (!shared.Contains("--data-seed")) shared = [.. shared, "--data-seed", "0"];
        // Models are ranked by their validation loss: on a table, which train by default trains on every row, a sweep holds out train's general share.
        if (!shared.Contains("--val-fraction") && shared.ToList().IndexOf("--data") is var at and >= 0 && DataSources.IsTable(shared[at + 1]))
            shared = [.. shared, "--val-fraction", TrainCommandOptions.DefaultValFraction.ToString(CultureInfo.InvariantCulture)];
        var rows = parsed.GetValue(o.Grid) is { } file ? SweepGridFile.Read(file) : null;
        return SweepResults.New(SweepModel.Create(shared, SweepGrid.Expand(o.Lists(parsed), rows)));
    }

    /// <summary>A model as the executor trains it: its architecture on the loaded data, and its options with the epoch count resolved as train resolves it.</summary>
    private static SweepMember Member(int index, TrainRequest request, PreparedData data, SweepModel model)
    {
        try
        {
            var train = data.Data.Train;
            var (spec, options) = ModelPlan.For(request, train);
            // What the trainer would refuse, refused before anything is written: class weights that do not fit, early stopping without validation.
            options.ClassWeight.Resolve(train);
            if (options.EarlyStoppingPatience > 0 && data.Validation is null)
                throw new UsageException("--early-stopping needs a validation split (--val-fraction above 0)");
            return new SweepMember(index, spec, request.Init, options);
        }
        catch (UsageException e)
        {
            throw new UsageException($"model {model.Name} ({model.Describe()}): {SettingFlags.Describe(e)}");
        }
    }
}
