using System.Runtime.Versioning;
using GpuNet.IO;

namespace GpuNet.Tests.IO;

/// <summary>Files are one file by what the file system says (device and inode), however their paths are spelt.</summary>
[SupportedOSPlatform("linux")] // FIFOs and hard links through the coreutils
public sealed class FileIdentityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void One_file_under_every_spelling_and_two_files_never()
    {
        var file = _dir.WriteText("a/data.csv", "1,2\n");
        var other = _dir.WriteText("a/other.csv", "1,2\n"); // the same bytes, another file
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "linked"), Path.Combine(_dir.Path, "a"));
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "file.link"), file);
        var hard = FileSystemStates.HardLink(file, Path.Combine(_dir.Path, "hard.csv"));

        foreach (var spelling in new[] { Path.Combine(_dir.Path, "a", "..", "a", "data.csv"), Path.Combine(_dir.Path, "linked", "data.csv"), Path.Combine(_dir.Path, "file.link"), hard })
            Assert.True(FileIdentity.Same(file, spelling), spelling);
        Assert.False(FileIdentity.Same(file, other));
        Assert.False(FileIdentity.Same(file, Path.Combine(_dir.Path, "a", "missing.csv")));
        Assert.False(FileIdentity.Same(Path.Combine(_dir.Path, "missing"), Path.Combine(_dir.Path, "missing")));
        Assert.Equal(hard, FileIdentity.FirstSame(Path.Combine(_dir.Path, "linked", "data.csv"), [other, hard]));
    }

    [Fact]
    public void Kinds_come_from_the_file_system_and_links_are_followed_only_when_asked()
    {
        var fifo = FileSystemStates.MakeFifo(Path.Combine(_dir.Path, "pipe"));
        var link = Path.Combine(_dir.Path, "pipe.link");
        File.CreateSymbolicLink(link, fifo);

        Assert.Equal(FileKind.Fifo, FileStatus.Of(link).Kind);
        Assert.True(FileStatus.Of(link).IsStream);
        Assert.Equal(FileKind.SymbolicLink, FileStatus.Of(link, followLinks: false).Kind);
        Assert.Equal(FileKind.Directory, FileStatus.Of(_dir.Path).Kind);
        Assert.Equal(FileKind.Regular, FileStatus.Of(_dir.WriteText("f", "")).Kind);
        Assert.Equal(FileKind.Missing, FileStatus.Of(Path.Combine(_dir.Path, "f", "below-a-file")).Kind);
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "loop"), Path.Combine(_dir.Path, "loop"));
        Assert.Throws<IOException>(() => FileStatus.Of(Path.Combine(_dir.Path, "loop")));
    }

    public void Dispose() => _dir.Dispose();
}
