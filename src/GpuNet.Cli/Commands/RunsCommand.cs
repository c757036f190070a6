using System.Text.Json;
using System.Text.Json.Nodes;
using GpuNet.Cli.Plots;
using GpuNet.IO;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet runs [DIR]</c>: the runs under a folder (every folder holding a run.json), one row each: the options
/// that differ between them, then the final and best figures, the epochs and the time. As TensorBoard's run
/// selector or a sweep's results table: pick the best run on validation figures, then look at its test figures.
/// </summary>
public static class RunsCommand
{
    /// <summary>How deep below DIR runs are looked for (runs/sweep/lr-0.1 is 2).</summary>
    private const int MaxDepth = 4;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dir = new Argument<string>("DIR") { Description = "The folder to look in, and below it (default: runs)", DefaultValueFactory = _ => "runs" };
        var sort = new Option<string?>("--sort") { Description = "Sort by this column: accuracies best first, losses, epochs and time lowest first, options in ascending order" };
        var json = new Option<bool>("--json") { Description = "Print the runs as a JSON array (every option, not only those that differ)" };
        var plot = new Option<string?>("--plot") { Description = "Also write the runs' validation loss and accuracy per epoch, overlaid, to this PNG file" };
        var command = Verb.Create("runs", "List the training runs under a folder and compare their options and figures.", [sort, json, plot],
            parsed => Run(parsed.GetValue(dir)!, parsed.GetValue(sort), parsed.GetValue(json), parsed.GetValue(plot), stdout, stderr));
        command.Arguments.Add(dir);
        return command;
    }

    private static int Run(string dir, string? sort, bool json, string? plot, TextWriter stdout, TextWriter stderr)
    {
        if (!Directory.Exists(dir)) throw new DataException($"{dir}: no such folder");
        var runs = Find(dir, stderr);
        if (runs.Count == 0) throw new DataException($"{dir}: no runs there (no {RunManifest.FileName} in it or in the folders below it)");
        var differing = Differing(runs);
        var table = RunsTable.Build(runs, differing);
        if (sort is not null) table = table.SortedBy(sort);
        if (json) stdout.WriteLine(Json(table.Runs));
        else table.Write(stdout);
        if (plot is not null)
        {
            RequireNotARunsFile(plot, runs);
            RunsPlot.Save(plot, table.Runs);
            stderr.WriteLine($"wrote the validation curves of {table.Runs.Count(r => r.Epochs.Any(e => e.ValLoss is not null))} runs to {plot}");
        }
        return ExitCodes.Success;
    }

    /// <summary>--plot may not name a file of a run it lists (its curves.png, its model) or a file the run trained on.</summary>
    private static void RequireNotARunsFile(string plot, IReadOnlyList<RunRecord> runs)
    {
        foreach (var run in runs)
        {
            var files = Directory.EnumerateFiles(run.Path).Concat(RunManifest.Load(run.Path).DataFiles?.Select(f => f.Path) ?? []);
            if (FileIdentity.FirstSame(plot, files) is { } same)
                throw new UsageException($"--plot {plot} is {same}, a file of the run {run.Name}; writing there would replace it; choose another name");
        }
    }

    /// <summary>Every run directory at or below <paramref name="dir"/> (a sweep's best/ copy left out), named by its path relative to it; an unreadable one is skipped with a line.</summary>
    private static List<RunRecord> Find(string dir, TextWriter stderr)
    {
        var walk = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = MaxDepth, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint };
        var runs = new List<RunRecord>();
        foreach (var file in Directory.EnumerateFiles(dir, RunManifest.FileName, walk).Order(StringComparer.Ordinal))
        {
            string runDir = Path.GetDirectoryName(file)!;
            if (IsSweepsBest(runDir)) continue;
            string name = Path.GetRelativePath(dir, runDir) is "." ? Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar)) : Path.GetRelativePath(dir, runDir);
            try
            {
                runs.Add(RunRecord.Read(runDir, name));
            }
            catch (DataException e)
            {
                stderr.WriteLine($"gpunet runs: skipped {name}: {e.Message}");
            }
        }
        return runs;
    }

    /// <summary>A sweep's best/ is a copy of one of its models, which is listed already under models/.</summary>
    private static bool IsSweepsBest(string runDir) =>
        Path.GetFileName(runDir) == SweepBest.Folder && File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(runDir))!, SweepResults.FileName));

    /// <summary>The option keys whose values are not the same in every run (a key some runs lack counts as differing).</summary>
    private static List<string> Differing(IReadOnlyList<RunRecord> runs) =>
        runs.SelectMany(r => r.Options.Select(o => o.Key)).Distinct()
            .Where(key => runs.Select(r => r.Option(key)).Distinct().Count() > 1).ToList();

    private static string Json(IReadOnlyList<RunRecord> runs)
    {
        var array = new JsonArray();
        foreach (var r in runs)
        {
            var (last, best) = (r.Last, r.Best);
            array.Add(new JsonObject
            {
                ["run"] = r.Name,
                ["path"] = Path.GetFullPath(r.Path),
                ["finished"] = r.Finished,
                ["epochs"] = last?.Epoch ?? 0,
                ["val_loss"] = last?.ValLoss,
                ["val_accuracy"] = last?.ValAccuracy,
                ["test_loss"] = last?.TestLoss,
                ["test_accuracy"] = last?.TestAccuracy,
                ["best_epoch"] = best?.Epoch,
                ["best_val_loss"] = best?.ValLoss,
                ["best_val_accuracy"] = best?.ValAccuracy,
                ["seconds"] = last?.ElapsedSeconds,
                ["options"] = r.Options.DeepClone(),
            });
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
