using System.Security.Cryptography;
using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>
/// A run directory belongs to one run: a new run refuses it, --overwrite removes only gpunet's files, a second
/// process is locked out, and --resume continues exactly the saved run on exactly the saved data. Each case
/// checks the exit code, the one-line message, and that the earlier files are unchanged.
/// </summary>
public sealed class RunDirectoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Out_on_a_folder_holding_a_run_is_a_usage_error_suggesting_resume_or_overwrite()
    {
        var outDir = PreviousRun();
        var before = Snapshot(outDir);

        var run = CliRun.Of("train", "--data", "xor", "--epochs", "1", "--device", "cpu", "--out", outDir);

        AssertOneLineError(run, 2, "already holds a run");
        Assert.Contains($"--resume {outDir}", run.Stderr);
        Assert.Contains("--overwrite", run.Stderr);
        Assert.Equal(before, Snapshot(outDir));
    }

    [Fact]
    public void Overwrite_removes_the_earlier_runs_files_and_nothing_else()
    {
        var outDir = PreviousRun("--plot-every", "1");
        Assert.True(File.Exists(Path.Combine(outDir, "decision_boundary_epoch_002.png")));
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(outDir, "model-old.safetensors"), "also mine");

        var run = CliRun.Of("train", "--data", "blobs", "--model", "logistic", "--epochs", "1", "--device", "cpu", "--quiet", "--out", outDir, "--overwrite");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("mine", File.ReadAllText(Path.Combine(outDir, "notes.txt")));
        Assert.Equal("also mine", File.ReadAllText(Path.Combine(outDir, "model-old.safetensors")));
        Assert.False(File.Exists(Path.Combine(outDir, "decision_boundary_epoch_002.png"))); // the earlier run's snapshot is gone
        Assert.Equal(1, RunCheckpoints.LoadForResume(outDir)!.Optimizer.State.Epoch);
    }

    [Fact]
    public void A_second_process_on_a_locked_folder_fails_at_once_and_changes_nothing()
    {
        var outDir = PreviousRun();
        var before = Snapshot(outDir);
        using (RunDirectory.Claim(outDir, RunDirectoryUse.Resume, [])) // what a running gpunet holds
        {
            var run = CliRun.Of("train", "--resume", outDir, "--epochs", "5", "--quiet");
            AssertOneLineError(run, 1, "another gpunet run is using this directory");
        }
        Assert.Equal(before, Snapshot(outDir));
    }

    [Fact]
    public void Resume_refuses_a_data_file_that_changed_naming_both_fingerprints()
    {
        var csv = _dir.WriteText("data.csv", string.Join("\n", Enumerable.Range(0, 100).Select(i => $"{i % 2},{i % 2 + i * 0.01},{i * 0.02}")) + "\n");
        var outDir = Path.Combine(_dir.Path, "csv-run");
        Assert.Equal(0, CliRun.Of("train", "--data", csv, "--hidden", "4", "--epochs", "1", "--device", "cpu", "--quiet", "--out", outDir).ExitCode);
        Assert.Contains(Path.GetFullPath(csv), File.ReadAllText(Path.Combine(outDir, RunManifest.FileName))); // an absolute path, good from any folder
        File.AppendAllText(csv, "1,5,5\n");
        var before = Snapshot(outDir);

        var run = CliRun.Of("train", "--resume", outDir, "--epochs", "2", "--quiet");

        AssertOneLineError(run, 1, "the data differs from what the run was trained on");
        Assert.Contains($"{Path.GetFullPath(csv)} (", run.Stderr);
        Assert.Contains("bytes, sha256", run.Stderr);
        Assert.Equal(before, Snapshot(outDir));
    }

    [Theory]
    [InlineData("--lr", "0.5", "--lr 0.5 would change the run")]
    [InlineData("--hidden", "8", "--hidden 8 would change the run")]
    [InlineData("--data", "xor", "--data xor would change the run")]
    [InlineData("--init-from", "x.safetensors", "cannot be combined")]
    public void Resume_refuses_options_that_would_change_the_run(string option, string value, string fragment)
    {
        var outDir = PreviousRun();
        var before = Snapshot(outDir);
        var run = CliRun.Of("train", "--resume", outDir, "--epochs", "3", option, value);
        AssertOneLineError(run, 2, fragment);
        Assert.Equal(before, Snapshot(outDir));
    }

    [Fact]
    public void Resume_takes_the_saved_value_again_and_only_its_own_folder_as_out()
    {
        var outDir = PreviousRun();
        var other = Path.Combine(_dir.Path, "elsewhere");
        var run = CliRun.Of("train", "--resume", outDir, "--out", other, "--epochs", "3");
        AssertOneLineError(run, 2, "differs from --resume");
        Assert.False(Directory.Exists(other));

        var again = CliRun.Of("train", "--resume", outDir, "--out", outDir, "--data", "blobs", "--model", "logistic", "--epochs", "3", "--quiet");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(3, RunCheckpoints.LoadForResume(outDir)!.Optimizer.State.Epoch);
    }

    [Fact]
    public void Resuming_with_fewer_epochs_leaves_run_json_as_it_was()
    {
        var outDir = PreviousRun();
        var runJson = File.ReadAllBytes(Path.Combine(outDir, RunManifest.FileName));
        var run = CliRun.Of("train", "--resume", outDir, "--epochs", "1", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("nothing to do", run.Stdout);
        Assert.Equal(runJson, File.ReadAllBytes(Path.Combine(outDir, RunManifest.FileName)));
    }

    [Theory]
    [InlineData("{}", "lacks data")]
    [InlineData("{\"data\": \"xor\", \"model\": \"mlp\"}", "lacks device")]
    [InlineData("{\"data\": \"xor\", \"model\": \"cnn\", \"device\": \"cpu\"}", "'cnn' is not a ModelKind")]
    [InlineData("{\"Data\": null}", "lacks Data.Source")] // the first layout (nested PascalCase)
    [InlineData("[1, 2", "not a valid run description")]
    public void A_damaged_run_json_is_one_line_naming_the_file(string json, string fragment)
    {
        var outDir = PreviousRun();
        File.WriteAllText(Path.Combine(outDir, RunManifest.FileName), json);
        var run = CliRun.Of("train", "--resume", outDir);
        AssertOneLineError(run, 1, fragment);
        Assert.Contains(RunManifest.FileName, run.Stderr);
    }

    [Fact]
    public void Temporary_files_a_killed_write_left_are_removed_by_the_next_run_and_others_stay()
    {
        var outDir = PreviousRun();
        var debris = Path.Combine(outDir, $".{RunCheckpoints.LastFile}.4242.{Guid.NewGuid():N}.tmp");
        var foreign = Path.Combine(outDir, $".notes.txt.4242.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(debris, "torn");
        File.WriteAllText(foreign, "not ours");
        var run = CliRun.Of("train", "--resume", outDir, "--epochs", "3", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(File.Exists(debris));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void An_empty_out_is_a_usage_error_and_a_failed_start_leaves_no_folder()
    {
        AssertOneLineError(CliRun.Of("train", "--data", "blobs", "--out", ""), 2, "--out needs a directory name");
        var fresh = Path.Combine(_dir.Path, "never");
        AssertOneLineError(CliRun.Of("train", "--data", Path.Combine(_dir.Path, "missing.csv"), "--out", fresh), 1, "file not found");
        Assert.False(Directory.Exists(fresh));
    }

    private static void AssertOneLineError(CliRun run, int exitCode, string fragment)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Contains(fragment, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    /// <summary>An --out directory holding a finished 2-epoch run.</summary>
    private string PreviousRun(params string[] extra)
    {
        var outDir = Path.Combine(_dir.Path, "previous-run");
        var run = CliRun.Of(["train", "--data", "blobs", "--model", "logistic", "--epochs", "2", "--device", "cpu", "--quiet", "--out", outDir, .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return outDir;
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir).ToDictionary(f => Path.GetFileName(f)!, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    public void Dispose() => _dir.Dispose();
}
