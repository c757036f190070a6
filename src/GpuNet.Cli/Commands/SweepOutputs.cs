using GpuNet.Cli.Plots;
using GpuNet.IO;

namespace GpuNet.Cli.Commands;

/// <summary>
/// What a sweep writes in its --out folder besides sweep.json (sweep.csv, validation.png, best/ and its staging
/// folder, models/), and the account of it: each file the sweep writes there is recorded with its digest in the
/// folder's <see cref="RunOutputs"/> manifest (best/'s files by their path under the folder), so a resumed sweep
/// replaces only what it wrote, unchanged, and never a file the user put there or changed (a run continued in best/).
/// </summary>
public static class SweepOutputs
{
    private static readonly string[] Names = [SweepBest.Folder, SweepBest.Staged, SweepModel.ModelsFolder, SweepCsv.FileName, SweepPlot.FileName];

    /// <summary>A new sweep refuses a folder that holds anything under a name it writes.</summary>
    public static void RequireFresh(string dir)
    {
        var present = Names.Where(n => FileStatus.Of(Path.Combine(dir, n), followLinks: false).Kind != FileKind.Missing).ToList();
        if (present.Count > 0)
            throw new UsageException($"--out {dir} already holds {string.Join(", ", present)}, which a sweep writes; move {(present.Count == 1 ? "it" : "them")} away, or choose another --out");
    }

    /// <summary>
    /// A resumed sweep refuses to go on while sweep.csv, validation.png, best/ or best.staged/ holds a file that is not as
    /// the sweep recorded it (changed, added, or not a plain file), since it will replace them; naming those files.
    /// </summary>
    public static void RequireOwn(string dir)
    {
        var recorded = RunOutputs.Recorded(dir);
        var foreign = new List<string>();
        foreach (var name in new[] { SweepCsv.FileName, SweepPlot.FileName })
            if (FileStatus.Of(Path.Combine(dir, name), followLinks: false).Kind != FileKind.Missing && !RunOutputs.IsAsRecorded(dir, name, recorded)) foreign.Add(name);
        foreach (var folder in new[] { SweepBest.Folder, SweepBest.Staged })
        {
            var path = Path.Combine(dir, folder);
            var kind = FileStatus.Of(path, followLinks: false).Kind;
            if (kind == FileKind.Missing) continue;
            if (kind != FileKind.Directory)
            {
                foreign.Add(folder);
                continue;
            }
            foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 }))
            {
                string name = $"{folder}/{Path.GetFileName(entry)}";
                if (Path.GetFileName(entry) != RunDirectory.LockFile && !RunOutputs.IsAsRecorded(dir, name, recorded)) foreign.Add(name); // the lock is gpunet's, empty
            }
        }
        if (foreign.Count > 0)
        {
            string them = foreign.Count == 1 ? "it" : "them";
            throw new UsageException($"--resume {dir}: {string.Join(", ", foreign.Take(6))}{(foreign.Count > 6 ? $" and {foreign.Count - 6} more" : "")} {(foreign.Count == 1 ? "is" : "are")} not as the sweep wrote {them} (changed or added since), and the sweep would replace {them}; move {them} out of {dir} first");
        }
    }
}
