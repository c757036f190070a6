using System.Runtime.InteropServices;

namespace GpuNet.IO;

/// <summary>What a path names, as the file system says (not as its name suggests).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    /// <summary>A named pipe: it can be read or written once, and opening it waits for the other end.</summary>
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>
/// A path's kind and identity (device and inode) from <c>statx(2)</c>, so that a file is known by what it is, not by how
/// its path is spelt: the kernel resolves every component, a link to a folder included. Where statx is not to be had
/// (not Linux), the kind comes from .NET's attributes and the identity is the path with every link resolved.
/// </summary>
public readonly partial record struct FileStatus(FileKind Kind, ulong Device, ulong Inode, string? CanonicalPath)
{
    /// <summary>Readers and writers open these in place: they are streams, not files that can be replaced or read twice.</summary>
    public bool IsStream => Kind is FileKind.Fifo or FileKind.CharacterDevice or FileKind.BlockDevice or FileKind.Socket;

    /// <summary>True when both name one existing file.</summary>
    public bool IsSameFileAs(FileStatus other) =>
        Kind != FileKind.Missing && other.Kind != FileKind.Missing
        && (CanonicalPath is null ? Device == other.Device && Inode == other.Inode : CanonicalPath == other.CanonicalPath);

    /// <summary>
    /// The status of <paramref name="path"/>: of what a link at its end points to when <paramref name="followLinks"/>, of the link
    /// itself otherwise. A path whose file or folder does not exist is <see cref="FileKind.Missing"/>; any other failure (a loop of
    /// links, no permission to look) is an <see cref="IOException"/> naming the path.
    /// </summary>
    public static FileStatus Of(string path, bool followLinks = true)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return Statx(path, followLinks);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc: the portable way below
        }
        return Portable(path, followLinks);
    }

    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxIno = 0x100;
    private const int ENoEnt = 2, ENotDir = 20;

    /// <summary>glibc's statx (2.28 and later): its struct has one layout on every architecture, unlike struct stat.</summary>
    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int NativeStatx(int dirfd, string path, int flags, uint mask, byte* buffer);

    private static unsafe FileStatus Statx(string path, bool followLinks)
    {
        const int size = 256; // sizeof(struct statx)
        byte* buffer = stackalloc byte[size];
        if (NativeStatx(AtFdCwd, Path.GetFullPath(path), followLinks ? 0 : AtSymlinkNoFollow, StatxType | StatxIno, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is ENoEnt or ENotDir) return new FileStatus(FileKind.Missing, 0, 0, null);
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        // struct statx: stx_mode (u16) at 28, stx_ino (u64) at 32, stx_dev_major and stx_dev_minor (u32) at 136 and 140.
        ushort mode = *(ushort*)(buffer + 28);
        ulong inode = *(ulong*)(buffer + 32);
        ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Socket,
        };
        return new FileStatus(kind, device, inode, null);
    }

    private static FileStatus Portable(string path, bool followLinks)
    {
        var full = Path.GetFullPath(path);
        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        if (!followLinks && info.LinkTarget is not null) return new FileStatus(FileKind.SymbolicLink, 0, 0, full);
        var canonical = ResolveEveryLink(full);
        var kind = Directory.Exists(canonical) ? FileKind.Directory : File.Exists(canonical) ? FileKind.Regular : FileKind.Missing;
        return new FileStatus(kind, 0, 0, OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? canonical.ToUpperInvariant() : canonical);
    }

    /// <summary>The full path with a link at any component replaced by its final target.</summary>
    private static string ResolveEveryLink(string full)
    {
        string current = Path.GetPathRoot(full)!;
        foreach (var part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            current = (info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName) ?? next;
        }
        return current;
    }
}
