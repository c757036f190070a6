namespace GpuNet.Tests.Cli;

/// <summary>An --out that is a dangling link was called "a file" (convert, train) or failed with "The file ... already exists" (ptx).</summary>
public sealed class OutputFolderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("convert")]
    [InlineData("ptx")]
    [InlineData("train")]
    public void A_dangling_out_link_is_named_as_one(string verb)
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("symbolic links need privileges on Windows");
        string link = Path.Combine(_dir.Path, "out");
        File.CreateSymbolicLink(link, Path.Combine(_dir.Path, "gone"));
        string csv = _dir.WriteText("d.csv", "1,2,0\n3,4,1\n");
        string[] args = verb switch
        {
            "convert" => ["convert", "--data", csv, "--label-column", "-1", "--out", link],
            "train" => ["train", "--data", csv, "--label-column", "-1", "--epochs", "1", "--device", "cpu", "--quiet", "--out", link],
            _ => ["ptx", "--out", link],
        };

        var run = CliRun.Of(args);

        run.AssertOneLineUsageError($"--out {link} is a link to {Path.Combine(_dir.Path, "gone")}, which does not exist");
        Assert.False(Path.Exists(Path.Combine(_dir.Path, "gone")));
    }

    [Fact]
    public void A_link_to_a_folder_is_a_folder()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("symbolic links need privileges on Windows");
        string target = Directory.CreateDirectory(Path.Combine(_dir.Path, "real")).FullName;
        string link = Path.Combine(_dir.Path, "out");
        File.CreateSymbolicLink(link, target);
        string csv = _dir.WriteText("d.csv", "1,2,0\n3,4,1\n");

        var run = CliRun.Of("convert", "--data", csv, "--label-column", "-1", "--out", link);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(Path.Combine(target, "features.npy")));
    }

    public void Dispose() => _dir.Dispose();
}
