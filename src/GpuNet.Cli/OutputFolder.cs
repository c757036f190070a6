namespace GpuNet.Cli;

/// <summary>
/// The folder an --out option names, checked before anything is written: a regular file, or a link whose target is
/// missing (which <see cref="File.Exists"/> also reports as a file), is a usage error that says which it is.
/// </summary>
public static class OutputFolder
{
    public static void Require(string option, string path)
    {
        var entry = new FileInfo(path);
        if (entry.LinkTarget is { } target && !Path.Exists(entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName))
            throw new UsageException($"{option} {path} is a link to {target}, which does not exist; remove the link or point it at a folder");
        if (File.Exists(path) && !Directory.Exists(path))
            throw new UsageException($"{option} {path} is a file; name a folder");
    }
}
