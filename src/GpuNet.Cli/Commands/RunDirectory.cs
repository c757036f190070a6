using GpuNet.Cli.Plots;
using GpuNet.IO;

namespace GpuNet.Cli.Commands;

/// <summary>How a train command line means to use its run directory.</summary>
public enum RunDirectoryUse
{
    /// <summary>--out DIR: DIR must not hold a run yet.</summary>
    New,
    /// <summary>--out DIR --overwrite: DIR's earlier run is removed (the files it recorded as its own, unchanged) when the new one starts writing.</summary>
    Overwrite,
    /// <summary>--resume DIR: continue the run DIR holds.</summary>
    Resume,
}

/// <summary>
/// A run directory belongs to one run. It is held with an OS lock on <see cref="LockFile"/> for the whole
/// run, so a second gpunet on the same folder fails at once; a new run refuses a folder that holds files a run
/// writes; and <see cref="RemoveRunFiles"/> removes only the files the earlier run recorded as its own
/// (<see cref="RunOutputs.Recorded"/>) with the bytes it wrote, never a file the new run reads, never anything else.
/// A file the new run would write over that is not the earlier run's own stops it before anything is removed.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    /// <summary>Held locked while a run uses the directory; it stays behind (removing a lock file races with the next locker).</summary>
    public const string LockFile = ".gpunet.lock";

    /// <summary>Every file name a run writes, besides the plot snapshots (<see cref="TrainingPlots.IsSnapshotFile"/>).</summary>
    private static readonly HashSet<string> RunFileNames = new(StringComparer.Ordinal)
    {
        RunManifest.FileName, RunGeneration.ManifestFile, RunOutputs.ManifestFile, RunCheckpoints.LastFile, RunCheckpoints.BestFile, RunCheckpoints.OptimizerFile,
        RunSaver.MetricsFile, RunSaver.SummaryFile, TrainingPlots.CurvesFile, TrainingPlots.BoundaryFile,
    };

    /// <summary>The run's manifests: the earlier run's own when they can be read, and removed last (a kill mid-removal leaves the account).</summary>
    private static readonly string[] Manifests = [RunGeneration.ManifestFile, RunOutputs.ManifestFile];

    private readonly FileStream _lock;
    private readonly bool _created;
    private readonly IReadOnlyCollection<string> _reads;

    private RunDirectory(string path, FileStream lockStream, bool created, RunDirectoryUse use, IReadOnlyCollection<string> reads)
    {
        Path = path;
        _lock = lockStream;
        _created = created;
        Use = use;
        _reads = reads;
    }

    public string Path { get; }
    public RunDirectoryUse Use { get; }

    /// <summary>
    /// Takes <paramref name="dir"/> for one run (creating it for a new one), or throws: another process holds it,
    /// a new run (<see cref="RunDirectoryUse.New"/>) finds files a run writes there, or --overwrite finds there a file it may
    /// not remove (see <see cref="RemoveRunFiles"/>). <paramref name="reads"/>: the files the new run reads. Removes the temporary
    /// files a killed write left behind.
    /// </summary>
    public static RunDirectory Claim(string dir, RunDirectoryUse use, IReadOnlyCollection<string> reads)
    {
        OutputFolder.Require("--out", dir);
        bool created = !Directory.Exists(dir);
        Directory.CreateDirectory(dir);
        var lockPath = System.IO.Path.Combine(dir, LockFile);
        FileStream lockStream;
        try
        {
            // FileShare.None is an exclusive flock(2) on Unix and a share-deny handle on Windows; either way the OS drops it if we die.
            lockStream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            throw new GpuNetException($"{dir}: another gpunet run is using this directory (it holds {LockFile}); wait for it to end or choose another --out");
        }
        var directory = new RunDirectory(dir, lockStream, created, use, reads);
        try
        {
            if (use != RunDirectoryUse.Resume) directory.Removable();
            else RunOutputs.Recorded(dir); // a damaged account of the run's files is reported now, not when the resumed run ends
            foreach (var temporary in directory.Temporaries()) File.Delete(temporary);
            return directory;
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Removes the earlier run's files and its staged checkpoint files. Only a file the run recorded as its own, with the bytes it
    /// wrote, goes, and never one the new run reads; finding any other file the new run would write over, it removes nothing.
    /// </summary>
    public void RemoveRunFiles()
    {
        var own = Removable();
        foreach (var file in own.OrderBy(f => Manifests.Contains(System.IO.Path.GetFileName(f))).Concat(Directory.EnumerateFiles(Path).Where(f => RunGeneration.IsStaged(System.IO.Path.GetFileName(f)))).ToList())
            File.Delete(file);
    }

    /// <summary>
    /// The files of the earlier run that a new run may remove, or the refusal: a new run (no --overwrite) takes a folder without
    /// files a run writes; --overwrite one whose such files are all the earlier run's own, unchanged, and none read by the new run.
    /// Only where --overwrite would remove nothing but the earlier run does the refusal suggest it.
    /// </summary>
    private List<string> Removable()
    {
        var present = RunFiles().ToList();
        if (present.Count == 0) return present;
        string option = Use == RunDirectoryUse.Overwrite ? $"--out {Path} --overwrite" : $"--out {Path}";
        var read = present.Where(f => FileIdentity.FirstSame(f, _reads) is not null).ToList();
        if (read.Count > 0)
            throw new UsageException($"{option}: the run reads {Names(read)}, a file it would write over; move it out of {Path}, or choose another --out");
        var recorded = RunOutputs.Recorded(Path);
        var foreign = present.Where(f => !IsOwn(System.IO.Path.GetFileName(f), recorded)).ToList();
        if (foreign.Count > 0)
            throw new UsageException($"{option}: {Names(foreign)} {(foreign.Count == 1 ? "is" : "are")} not the output of a run there (not recorded by one, or changed since), and a run would write over {(foreign.Count == 1 ? "it" : "them")}; move {(foreign.Count == 1 ? "it" : "them")} away, or choose another --out");
        if (Use == RunDirectoryUse.New)
            throw new UsageException($"--out {Path} already holds a run ({Names(present)}); continue it with --resume {Path}, or replace it with --overwrite");
        return present;
    }

    /// <summary>A run's manifest is its own when it can be read (<see cref="RunOutputs.Recorded"/> read it); any other file when its bytes are as recorded.</summary>
    private bool IsOwn(string name, IReadOnlyDictionary<string, FileDigest> recorded) =>
        Manifests.Contains(name)
            ? FileStatus.Of(System.IO.Path.Combine(Path, name), followLinks: false).Kind == FileKind.Regular
            : RunOutputs.IsAsRecorded(Path, name, recorded);

    private static string Names(IEnumerable<string> files)
    {
        var names = files.Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        return names.Count <= 6 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(6))} and {names.Count - 6} more";
    }

    /// <summary>Whatever lies under a name a run writes (a link or a FIFO too: a run would write over those as well).</summary>
    private IEnumerable<string> RunFiles() =>
        Directory.EnumerateFileSystemEntries(Path).Where(f => System.IO.Path.GetFileName(f) is var name && (RunFileNames.Contains(name) || TrainingPlots.IsSnapshotFile(name)));

    /// <summary>Temporary files of atomic writes of the run's files: never renamed into place, so never anything but debris.</summary>
    private List<string> Temporaries() =>
        Directory.EnumerateFiles(Path, ".*.tmp").Where(f => AtomicFile.TargetOfTemporary(System.IO.Path.GetFileName(f)) is { } target
            && (RunFileNames.Contains(target) || TrainingPlots.IsSnapshotFile(target))).ToList();

    /// <summary>Releases the lock; a directory this run created and never wrote into is removed again.</summary>
    public void Dispose()
    {
        _lock.Dispose();
        if (!_created) return;
        try
        {
            if (Directory.EnumerateFileSystemEntries(Path).All(e => System.IO.Path.GetFileName(e) == LockFile))
            {
                File.Delete(System.IO.Path.Combine(Path, LockFile));
                Directory.Delete(Path);
            }
        }
        catch (IOException) { } // best effort: an empty folder left behind harms nothing
        catch (UnauthorizedAccessException) { }
    }
}
