namespace GpuNet.Cli.Commands;

/// <summary>
/// best/ of a sweep: a copy of the run directory of the model with the lowest validation loss (test figures never
/// choose it), so <c>eval</c>, <c>predict</c> and <c>export</c> can be pointed at it without reading sweep.json.
/// </summary>
public static class SweepBest
{
    public const string Folder = "best";

    /// <summary>Replaces best/ with <paramref name="best"/>'s run directory; removes it when no model qualifies.</summary>
    public static void Write(string sweepDir, SweepRow? best)
    {
        string target = Path.Combine(sweepDir, Folder), staged = target + ".staged";
        if (Directory.Exists(staged)) Directory.Delete(staged, recursive: true);
        if (best is not null)
        {
            Directory.CreateDirectory(staged);
            foreach (var file in Directory.EnumerateFiles(Path.Combine(sweepDir, best.RunDir)))
            {
                string name = Path.GetFileName(file);
                if (name == RunDirectory.LockFile || name.StartsWith('.')) continue; // the lock and temporary files are not the run
                File.Copy(file, Path.Combine(staged, name));
            }
        }
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        if (best is not null) Directory.Move(staged, target);
    }
}
