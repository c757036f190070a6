namespace GpuNet.Tests.Cli;

/// <summary>
/// A sweep never loses or silently changes a user's file: a new sweep refuses a folder that holds what it writes,
/// a resumed one replaces sweep.csv, validation.png and best/ only while they are as the sweep wrote them; and its
/// model directories are ordinary run directories, which train --overwrite may replace.
/// </summary>
public sealed class SweepUserFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static readonly string[] Data = ["--data", "blobs", "--samples", "120", "--classes", "3", "--batch-size", "32", "--epochs", "1", "--device", "cpu", "--quiet"];

    private string Sweep(string name)
    {
        string dir = Path.Combine(_dir.Path, name);
        var run = CliRun.Of(["sweep", .. Data, "--hidden", "4", "--lr", "0.1,0.05", "--out", dir]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return dir;
    }

    [Fact]
    public void A_model_directory_of_a_sweep_is_replaced_by_train_overwrite()
    {
        string dir = Sweep("overwrite");
        string model = Path.Combine(dir, "models", "000");
        Assert.True(File.Exists(Path.Combine(model, "curves.png")));
        var run = CliRun.Of(["train", .. Data, "--hidden", "4", "--out", model, "--overwrite"]);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    public void Dispose() => _dir.Dispose();
}
