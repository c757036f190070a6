namespace GpuNet.IO;

/// <summary>
/// Identity by file, not by name: two paths are one file when the file system says so (device and inode, see
/// <see cref="FileStatus"/>), whatever links, linked folders, <c>..</c> or hard links lie between their spellings.
/// Every "may not name the same file" guard asks here.
/// </summary>
public static class FileIdentity
{
    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> name one existing file or folder.</summary>
    public static bool Same(string a, string b) => FileStatus.Of(a).IsSameFileAs(FileStatus.Of(b));

    /// <summary>The first of <paramref name="candidates"/> that is the file <paramref name="path"/> names, or null.</summary>
    public static string? FirstSame(string path, IEnumerable<string> candidates)
    {
        var status = FileStatus.Of(path);
        return status.Kind == FileKind.Missing ? null : candidates.FirstOrDefault(c => status.IsSameFileAs(FileStatus.Of(c)));
    }
}
