using System.Diagnostics;
using System.Security.Cryptography;
using GpuNet.IO;

namespace GpuNet.Tests.TestSupport;

/// <summary>
/// File-system states a hostile user may hand gpunet, made inside a test's own temporary folder (never the real /dev):
/// FIFOs, device nodes (<c>mknod</c>, as root), a small full tmpfs (<c>mount</c>, as root), read-only folders; and a
/// snapshot of a whole folder, to assert that nothing a user had there changed.
/// </summary>
public static class FileSystemStates
{
    /// <summary>Device nodes and mounts need root; tests of those skip otherwise.</summary>
    public static bool IsRoot => Environment.IsPrivilegedProcess && OperatingSystem.IsLinux();

    public static string MakeFifo(string path)
    {
        Run("mkfifo", path);
        return path;
    }

    /// <summary>A second name <paramref name="link"/> for the file <paramref name="existing"/> (one inode, two paths).</summary>
    public static string HardLink(string existing, string link)
    {
        Run("ln", existing, link);
        return link;
    }

    /// <summary>A node for the null device (char 1,3) at <paramref name="path"/>: writing to it goes nowhere.</summary>
    public static string MakeNullDevice(string path)
    {
        Run("mknod", path, "c", "1", "3");
        return path;
    }

    /// <summary>A tmpfs of <paramref name="kib"/> KiB mounted at <paramref name="path"/> (created); unmounted on dispose.</summary>
    public static IDisposable MountTmpfs(string path, int kib)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={kib}k", "tmpfs", path);
        return new Mount(path);
    }

    /// <summary>Fills the file system holding <paramref name="path"/> with one file there until it has no room left.</summary>
    public static void FillUp(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            while (true) stream.Write(block);
        }
        catch (IOException) { } // ENOSPC: full
    }

    /// <summary>
    /// Every entry under <paramref name="root"/> by relative path: a regular file by its mode and SHA-256, a link by its
    /// target (not followed), a folder by its mode, and a FIFO or device by its kind and mode (never opened).
    /// </summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Walk(string dir)
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(dir))
            {
                var relative = Path.GetRelativePath(root, path);
                var status = FileStatus.Of(path, followLinks: false);
                var mode = status.Kind == FileKind.SymbolicLink || OperatingSystem.IsWindows() ? "" : File.GetUnixFileMode(path).ToString();
                entries[relative] = status.Kind switch
                {
                    FileKind.SymbolicLink => $"link -> {new FileInfo(path).LinkTarget}",
                    FileKind.Regular => $"file {mode} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}",
                    _ => $"{status.Kind} {mode}",
                };
                if (status.Kind == FileKind.Directory) Walk(path);
            }
        }
        Walk(root);
        return entries;
    }

    /// <summary>What differs between two snapshots, leaving out <paramref name="mayChange"/> (relative paths): changed or gone entries, and new debris.</summary>
    public static List<string> Differences(SortedDictionary<string, string> before, SortedDictionary<string, string> after, IEnumerable<string> mayChange)
    {
        var allowed = mayChange.ToHashSet(StringComparer.Ordinal);
        var problems = before.Where(e => !allowed.Contains(e.Key))
            .Where(e => !after.TryGetValue(e.Key, out var now) || now != e.Value)
            .Select(e => after.TryGetValue(e.Key, out var now) ? $"{e.Key} changed: {e.Value} -> {now}" : $"{e.Key} is gone ({e.Value})").ToList();
        problems.AddRange(after.Keys.Where(k => !before.ContainsKey(k) && (k.EndsWith(".tmp", StringComparison.Ordinal) || k.EndsWith(".staged", StringComparison.Ordinal)))
            .Select(k => $"{k} is debris left behind"));
        return problems;
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(" ", args)}: exit {process.ExitCode}: {error}");
    }

    private sealed class Mount(string path) : IDisposable
    {
        public void Dispose() => Run("umount", "-l", path);
    }
}

/// <summary>Drains a FIFO on a thread of its own, as a reader at the other end would; dispose releases a reader still waiting for a writer.</summary>
public sealed class FifoReader : IDisposable
{
    private readonly string _path;
    private readonly Thread _thread;
    private readonly MemoryStream _received = new();

    public FifoReader(string path)
    {
        _path = path;
        _thread = new Thread(() =>
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
                stream.CopyTo(_received);
            }
            catch (IOException) { }
        }) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>What arrived, once the writer closed its end (null when nothing did within the wait).</summary>
    public byte[]? Received(TimeSpan wait) => _thread.Join(wait) ? _received.ToArray() : null;

    public void Dispose()
    {
        if (_thread.Join(TimeSpan.FromMilliseconds(50))) return;
        // Still waiting in open(2) for a writer: be one, briefly, so it sees end-of-file. A FIFO replaced by a file leaves it waiting for good (a background thread).
        if (FileStatus.Of(_path).Kind == FileKind.Fifo)
            try { using var _ = new FileStream(_path, FileMode.Open, FileAccess.Write); } catch (IOException) { }
        _thread.Join(TimeSpan.FromSeconds(1));
    }
}
