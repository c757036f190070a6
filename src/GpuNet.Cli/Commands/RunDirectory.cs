using GpuNet.Cli.Plots;
using GpuNet.IO;

namespace GpuNet.Cli.Commands;

/// <summary>How a train command line means to use its run directory.</summary>
public enum RunDirectoryUse
{
    /// <summary>--out DIR: DIR must not hold a run yet.</summary>
    New,
    /// <summary>--out DIR --overwrite: DIR's earlier run is removed (its files only) when the new one starts writing.</summary>
    Overwrite,
    /// <summary>--resume DIR: continue the run DIR holds.</summary>
    Resume,
}

/// <summary>
/// A run directory belongs to one run. It is held with an OS lock on <see cref="LockFile"/> for the whole
/// run, so a second gpunet on the same folder fails at once; a new run refuses a folder that holds another
/// run's files; and <see cref="RemoveRunFiles"/> removes only the files a run writes, never anything else.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    /// <summary>Held locked while a run uses the directory; it stays behind (removing a lock file races with the next locker).</summary>
    public const string LockFile = ".gpunet.lock";

    /// <summary>Every file name a run writes, besides the plot snapshots (<see cref="TrainingPlots.IsSnapshotFile"/>).</summary>
    private static readonly HashSet<string> RunFileNames = new(StringComparer.Ordinal)
    {
        RunManifest.FileName, RunGeneration.ManifestFile, RunCheckpoints.LastFile, RunCheckpoints.BestFile, RunCheckpoints.OptimizerFile,
        RunSaver.MetricsFile, RunSaver.SummaryFile, TrainingPlots.CurvesFile, TrainingPlots.BoundaryFile,
    };

    private readonly FileStream _lock;
    private readonly bool _created;

    private RunDirectory(string path, FileStream lockStream, bool created, RunDirectoryUse use)
    {
        Path = path;
        _lock = lockStream;
        _created = created;
        Use = use;
    }

    public string Path { get; }
    public RunDirectoryUse Use { get; }

    /// <summary>
    /// Takes <paramref name="dir"/> for one run (creating it for a new one), or throws: another process holds it,
    /// or a new run (<see cref="RunDirectoryUse.New"/>) finds another run's files there. Removes the temporary
    /// files a killed write left behind.
    /// </summary>
    public static RunDirectory Claim(string dir, RunDirectoryUse use)
    {
        if (File.Exists(dir)) throw new UsageException($"--out {dir}: is a file, not a directory");
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
        var directory = new RunDirectory(dir, lockStream, created, use);
        try
        {
            if (use == RunDirectoryUse.New && directory.RunFiles().FirstOrDefault() is { } found)
                throw new UsageException($"--out {dir} already holds a run ({System.IO.Path.GetFileName(found)}); continue it with --resume {dir}, or replace it with --overwrite");
            foreach (var temporary in directory.Temporaries()) File.Delete(temporary);
            return directory;
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Removes the earlier run's files (and its staged checkpoint files); files gpunet did not write stay.</summary>
    public void RemoveRunFiles()
    {
        foreach (var file in RunFiles().Concat(Directory.EnumerateFiles(Path).Where(f => RunGeneration.IsStaged(System.IO.Path.GetFileName(f)))).ToList())
            File.Delete(file);
    }

    private IEnumerable<string> RunFiles() =>
        Directory.EnumerateFiles(Path).Where(f => System.IO.Path.GetFileName(f) is var name && (RunFileNames.Contains(name) || TrainingPlots.IsSnapshotFile(name)));

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
