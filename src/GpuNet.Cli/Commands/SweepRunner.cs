using System.Diagnostics;
using GpuNet.Cli.Display;
using GpuNet.Cli.Plots;
using GpuNet.Sweep;

namespace GpuNet.Cli.Commands;

/// <summary>
/// What a sweep does around each model's training, whatever executor trains it: the model's run directory is
/// claimed and written as <c>gpunet train --out</c> writes one (run.json, a checkpoint generation every epoch,
/// summary.json, curves.png), a model begun in an earlier sitting resumes from its checkpoint as <c>train --resume</c> does,
/// and sweep.json (written by rank 0 alone under mpirun) and the leaderboard follow every epoch.
/// </summary>
internal sealed class SweepRunner(string sweepDir, bool writesResults, SweepResults results, IReadOnlyList<TrainRequest> requests, PreparedData data, string device, ISweepDisplay display)
    : ISweepObserver, IDisposable
{
    private readonly Dictionary<int, (RunDirectory Directory, RunSaver Saver, List<EpochMetrics> Sitting)> _open = [];
    // A pack ends an epoch for all its models at once: sweep.json, which holds every model's history, is rewritten at most
    // this often on an epoch (a resumed sweep reads the histories from each model's metrics.csv), and always when a model finishes.
    private static readonly TimeSpan EpochSaveInterval = TimeSpan.FromSeconds(1);
    private long _lastSave;
    private int _plotsSinceCollect;

    public TrainingState? Starting(SweepMember member, IModelRun run)
    {
        var request = requests[member.Index];
        string dir = request.OutDir!;
        bool begun = File.Exists(Path.Combine(dir, RunManifest.FileName));
        var directory = RunDirectory.Claim(dir, begun ? RunDirectoryUse.Resume : RunDirectoryUse.New, TrainCommand.Reads(request));
        TrainingState? start;
        try
        {
            var saver = new RunSaver(directory, request, saveRequest: !begun, data.Data.Train, Preprocessings.ForSource(request.Data.Source), data.Standardization, data.Data.Columns, data.Data.Encoding);
            _open[member.Index] = (directory, saver, []);
            var point = begun ? RunCheckpoints.LoadForResume(dir) : null;
            point?.Restore(run.Network, run.Optimizer);
            if (point?.Best is { } best) run.SetBestWeights(best.Parameters);
            start = point?.Optimizer.State;
        }
        catch
        {
            // A checkpoint that cannot be resumed ends the sweep, and Finished never comes: the directory's lock goes now.
            _open.Remove(member.Index);
            directory.Dispose();
            throw;
        }
        var row = results.Models[member.Index];
        row.History.Clear();
        // The epochs an earlier sitting finished, from the metrics.csv of the same generation as the checkpoint.
        if (start is not null) row.History.AddRange(SweepHistory.Read(dir, start.EpochComplete ? start.Epoch : start.Epoch - 1));
        row.Status = MemberStatus.Pending;
        display.Started(row, start is null ? null : $"resuming after epoch {row.Epochs}{(start.EpochComplete ? "" : $", step {start.StepInEpoch}")}");
        return start;
    }

    public void EpochCompleted(SweepMember member, IModelRun run, EpochMetrics epoch)
    {
        var (_, saver, sitting) = _open[member.Index];
        sitting.Add(epoch);
        saver.AfterEpoch(run, epoch, sitting);
        var row = results.Models[member.Index];
        row.History.Add(SweepEpoch.From(epoch));
        if (writesResults && Stopwatch.GetElapsedTime(_lastSave) >= EpochSaveInterval)
        {
            results.Save(sweepDir);
            _lastSave = Stopwatch.GetTimestamp();
        }
        display.Epoch(row, member.Options.Epochs);
    }

    public void Finished(SweepMember member, IModelRun run, MemberOutcome outcome)
    {
        var (directory, saver, sitting) = _open[member.Index];
        _open.Remove(member.Index);
        using (directory)
        {
            var row = results.Models[member.Index];
            row.Status = outcome.Status;
            if (outcome.Interrupted)
            {
                if (run.Network.ParametersAreFinite()) saver.SaveLast(run);
            }
            else if (outcome.Result is { } result && sitting.Count > 0)
            {
                // summary.json as train writes it (hyperparameters and best_epoch included), so `gpunet runs` lists a sweep's models beside any run.
                var summary = RunSummary.From(ModelSpec.Name(member.Spec.Kind), device, member.Options, result, sitting[^1].ElapsedSeconds) with { BestEpoch = run.State.BestEpoch };
                saver.AfterTraining(SummaryJson.Write(summary, requests[member.Index]));
                CurvesPlot.Save(Path.Combine(directory.Path, TrainingPlots.CurvesFile), sitting); // as train draws them (its 2-D boundary plots are left out)
                ReleasePlotGarbage();
                RunOutputs.Record(directory.Path, TrainingPlots.CurvesFile); // the run's own, as train records it, so train --overwrite may replace the model
            }
            row.Failure = outcome.Failure is { } failure ? SettingFlags.Describe(failure) : null;
            if (writesResults) results.Save(sweepDir);
            display.Finished(row);
        }
    }

    /// <summary>
    /// A pack's models finish together, and each curves.png leaves a few MB of large render buffers, which only a full
    /// collection frees: left to the GC's budget, 64 of them took a 64-model Fashion-MNIST sweep from 259 MB to 390 MB
    /// resident at its end. One collection every <see cref="PlotsPerCollection"/> plots keeps that bounded.
    /// </summary>
    private void ReleasePlotGarbage()
    {
        if (++_plotsSinceCollect < PlotsPerCollection) return;
        GC.Collect();
        _plotsSinceCollect = 0;
    }

    private const int PlotsPerCollection = 4;

    /// <summary>Releases the directories of models whose training threw before <see cref="Finished"/> (nothing to save there).</summary>
    public void Dispose()
    {
        foreach (var (directory, _, _) in _open.Values) directory.Dispose();
        _open.Clear();
    }
}
