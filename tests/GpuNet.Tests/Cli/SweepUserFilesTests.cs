using System.Security.Cryptography;

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

    [Theory]
    [InlineData("best", true)]
    [InlineData("best.staged", true)]
    [InlineData("models", true)]
    [InlineData("sweep.csv", false)]
    [InlineData("validation.png", false)]
    public void A_new_sweep_refuses_a_folder_holding_what_it_writes(string name, bool folder)
    {
        string dir = Path.Combine(_dir.Path, "out");
        string path = Path.Combine(dir, name);
        if (folder)
        {
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "mine.txt"), "the user's\n");
        }
        else
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(path, "the user's\n");
        }
        var before = Hashes(dir);
        CliRun.Of(["sweep", .. Data, "--hidden", "4", "--lr", "0.1,0.05", "--out", dir]).AssertOneLineUsageError(name);
        Assert.Equal(before, Hashes(dir));
    }

    [Theory]
    [InlineData("best/metrics.csv")]
    [InlineData("sweep.csv")]
    [InlineData("validation.png")]
    public void A_resumed_sweep_refuses_to_replace_a_file_the_user_changed(string name)
    {
        string dir = Sweep("changed");
        File.AppendAllText(Path.Combine(dir, name), "the user's\n");
        var before = Hashes(dir);
        CliRun.Of("sweep", "--resume", dir, "--quiet").AssertOneLineUsageError(name);
        Assert.Equal(before, Hashes(dir));
    }

    [Fact]
    public void A_resumed_sweep_refuses_to_remove_a_file_the_user_put_in_best()
    {
        string dir = Sweep("added");
        File.WriteAllText(Path.Combine(dir, "best", "notes.txt"), "the user's\n");
        var before = Hashes(dir);
        CliRun.Of("sweep", "--resume", dir, "--quiet").AssertOneLineUsageError("notes.txt");
        Assert.Equal(before, Hashes(dir));
    }

    [Fact]
    public void A_resumed_sweep_replaces_its_own_results()
    {
        string dir = Sweep("own");
        var again = CliRun.Of("sweep", "--resume", dir, "--quiet");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "best", "model.safetensors")));
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

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("best/../../outside")]
    public void An_outputs_manifest_naming_a_file_outside_its_folder_is_refused(string name)
    {
        string dir = _dir.WriteText("run/outputs.json", $"{{\"files\": {{{JsonSerializer.Serialize(name)}: {{\"bytes\": 1, \"sha256\": \"00\"}}}}}}\n");
        var e = Assert.Throws<DataException>(() => RunOutputs.Recorded(Path.GetDirectoryName(dir)!));
        Assert.Contains("not a valid outputs manifest", e.Message);
    }

    /// <summary>Every file under <paramref name="dir"/>, by relative path, with its SHA-256.</summary>
    private static SortedDictionary<string, string> Hashes(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    public void Dispose() => _dir.Dispose();
}
