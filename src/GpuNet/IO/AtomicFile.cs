using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GpuNet.IO;

/// <summary>
/// The one way gpunet writes a file a user named. A regular file (or a new path) is written whole or not at all: the bytes
/// go to a temporary file beside it, are flushed to disk, and the temporary file is renamed over it, keeping its
/// permissions; a crash or an interrupt mid-write leaves the previous version intact. What is not a regular file is never
/// replaced: a FIFO, a device (/dev/null) or a socket is opened and written in place, and a link is written through to its
/// final target (replacing that atomically, in the target's folder, when it is a regular file), so the link stays a link.
/// </summary>
public static partial class AtomicFile
{
    [GeneratedRegex(@"^\.(?<target>.+)\.(?<pid>[0-9]+)\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();

    /// <summary>
    /// The file a temporary file of <see cref="Write"/> was meant to become, or null when
    /// <paramref name="fileName"/> is not one: a killed process leaves these behind, for its next run to remove.
    /// </summary>
    public static string? TargetOfTemporary(string fileName)
    {
        var match = TemporaryName().Match(fileName);
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
        var status = FileStatus.Of(full); // the kernel follows every link, /proc's magic ones (/dev/stdout) included
        if (status.Kind == FileKind.Directory) throw new IOException($"{path}: is a directory");
        if (status.IsStream) WriteInPlace(full, writeContents);
        else
        {
            var target = FinalTarget(full);
            // A new path's folders are made, as for any output; a link's target folder is the link owner's business.
            if (target == full) Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            Replace(target, writeContents, existing: status.Kind == FileKind.Regular);
        }
    }

    /// <summary>Where writing to <paramref name="full"/> lands: the final target of a link (which need not exist yet), else the path itself.</summary>
    private static string FinalTarget(string full) =>
        FileStatus.Of(full, followLinks: false).Kind == FileKind.SymbolicLink && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target
            ? target.FullName
            : full;

    /// <summary>A stream has no previous version to keep and cannot be renamed over: it gets the bytes as they come.</summary>
    private static void WriteInPlace(string target, Action<Stream> writeContents)
    {
        using var stream = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1 << 16);
        writeContents(stream);
        stream.Flush();
    }

    private static void Replace(string target, Action<Stream> writeContents, bool existing)
    {
        var directory = Path.GetDirectoryName(target)!;
        RemoveStaleTemporaries(directory, Path.GetFileName(target));
        var temporary = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                writeContents(stream);
                stream.Flush(flushToDisk: true);
            }
            if (existing && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temporary);
            // The user named the target, never the temporary file: the message should say which file could not be written.
            if (e.Message.Contains(temporary, StringComparison.Ordinal))
            {
                var message = e.Message.Replace(temporary, target, StringComparison.Ordinal);
                if (e is UnauthorizedAccessException) throw new UnauthorizedAccessException(message, e);
                if (e is IOException) throw new IOException(message, e);
            }
            throw;
        }
    }

    /// <summary>
    /// Removes the temporary files a killed write of <paramref name="name"/> left in <paramref name="directory"/>: ours by their
    /// name, regular files, and made by a process that no longer runs (a live one may still be writing its own). Those of
    /// other names are left alone: only the next write of that very file knows they are debris.
    /// </summary>
    private static void RemoveStaleTemporaries(string directory, string name)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
            {
                var match = TemporaryName().Match(Path.GetFileName(file));
                if (match.Success && match.Groups["target"].Value == name && int.TryParse(match.Groups["pid"].Value, CultureInfo.InvariantCulture, out int pid) && !IsRunning(pid)
                    && FileStatus.Of(file, followLinks: false).Kind == FileKind.Regular)
                    TryDelete(file);
            }
        }
        catch (IOException) { } // best effort: debris never stops a write
        catch (UnauthorizedAccessException) { }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}"));
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
