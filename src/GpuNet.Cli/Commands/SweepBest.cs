namespace GpuNet.Cli.Commands;

/// <summary>
/// best/ of a sweep: a copy of the run directory of the model with the lowest validation loss (test figures never
/// choose it), so <c>eval</c>, <c>predict</c> and <c>export</c> can be pointed at it without reading sweep.json.
/// </summary>
public static class SweepBest
{
    public const string Folder = "best";

    /// <summary>Where the new copy is assembled before it replaces best/ in one rename.</summary>
    public const string Staged = Folder + ".staged";

    /// <summary>
    /// Replaces best/ with <paramref name="best"/>'s run directory, or removes it when no model qualifies; each file copied is
    /// recorded as the sweep's own (<see cref="SweepOutputs"/>), and <see cref="SweepOutputs.RequireOwn"/> checked before that
    /// what is removed here is as the sweep wrote it.
    /// </summary>
    public static void Write(string sweepDir, SweepRow? best)
    {
        string target = Path.Combine(sweepDir, Folder), staged = Path.Combine(sweepDir, Staged);
        if (Directory.Exists(staged)) Directory.Delete(staged, recursive: true);
        if (best is not null)
        {
            Directory.CreateDirectory(staged);
            foreach (var file in Directory.EnumerateFiles(Path.Combine(sweepDir, best.RunDir)))
            {
                string name = Path.GetFileName(file);
                if (name == RunDirectory.LockFile || name.StartsWith('.')) continue; // the lock and temporary files are not the run
                File.Copy(file, Path.Combine(staged, name));
                RunOutputs.Record(sweepDir, $"{Staged}/{name}"); // a sweep killed before the rename may remove it when resumed
            }
        }
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        if (best is null) return;
        Directory.Move(staged, target);
        foreach (var file in Directory.EnumerateFiles(target)) RunOutputs.Record(sweepDir, $"{Folder}/{Path.GetFileName(file)}");
    }
}
