using System.Text;
using System.Text.RegularExpressions;

namespace GpuNet.IO;

/// <summary>
/// Writes a whole file or nothing: the bytes go to a temporary file beside the target, are
/// flushed to disk, and the temporary file is then renamed over the target. A crash or an
/// interrupt mid-write leaves the previous version intact.
/// </summary>
public static class AtomicFile
{
    private static readonly Regex TemporaryName = new(@"^\.(?<target>.+)\.[0-9]+\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The file a temporary file of <see cref="Write"/> was meant to become, or null when
    /// <paramref name="fileName"/> is not one: a killed process leaves these behind, for its next run to remove.
    /// </summary>
    public static string? TargetOfTemporary(string fileName)
    {
        var match = TemporaryName.Match(fileName);
        return match.Success ? match.Groups["target"].Value : null;
    }

    public static void WriteAllText(string path, string contents) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write(contents);
        });

    public static void Write(string path, Action<Stream> writeContents)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                writeContents(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
