using GpuNet.Cli.Commands;
using GpuNet.Cli.Plots;

namespace GpuNet.Tests.Cli;

/// <summary>
/// A run directory's files are the run's only as far as it recorded them (issue 22): --overwrite removes exactly those, as
/// written, never a file the new run reads nor one a user put or changed there, and refuses rather than write over one; a
/// run whose weights are not accounted for is never restarted over them; and writes killed or cut short by a full disk
/// leave no debris behind.
/// </summary>
public sealed class RunOwnershipTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static readonly string[] Train = ["train", "--data", "blobs", "--model", "logistic", "--epochs", "1", "--device", "cpu", "--quiet"];

    [Fact]
    public void Overwrite_never_removes_a_data_file_the_new_run_reads()
    {
        var outDir = PreviousRun();
        var data = Path.Combine(outDir, RunSaver.MetricsFile);
        File.WriteAllText(data, string.Join("\n", Enumerable.Range(0, 40).Select(i => $"{i % 2},{i % 2 + i * 0.01},{i * 0.03}")) + "\n");
        var before = FileSystemStates.Snapshot(outDir);

        var run = CliRun.Of("train", "--data", data, "--epochs", "1", "--device", "cpu", "--quiet", "--out", outDir, "--overwrite");

        run.AssertOneLineUsageError($"the run reads {RunSaver.MetricsFile}");
        Assert.Empty(FileSystemStates.Differences(before, FileSystemStates.Snapshot(outDir), [RunDirectory.LockFile]));
    }

    [Fact]
    public void Overwrite_in_a_folder_holding_no_run_removes_none_of_the_users_files()
    {
        var outDir = Path.Combine(_dir.Path, "mine");
        _dir.WriteText("mine/curves.png", "my own curves");
        _dir.WriteText("mine/summary.json", "{\"mine\": true}");
        var before = FileSystemStates.Snapshot(outDir);

        var overwrite = CliRun.Of([.. Train, "--out", outDir, "--overwrite"]);
        var plain = CliRun.Of([.. Train, "--out", outDir]);

        overwrite.AssertOneLineUsageError("curves.png, summary.json are not the output of a run there");
        plain.AssertOneLineUsageError("curves.png, summary.json are not the output of a run there");
        Assert.DoesNotContain("with --overwrite", plain.Stderr); // it would not help: those files are not a run's
        Assert.Empty(FileSystemStates.Differences(before, FileSystemStates.Snapshot(outDir), [RunDirectory.LockFile]));
    }

    [Fact]
    public void Overwrite_keeps_and_names_a_run_file_the_user_changed_and_removes_nothing()
    {
        var outDir = PreviousRun();
        File.AppendAllText(Path.Combine(outDir, RunSaver.SummaryFile), "my note\n");
        var before = FileSystemStates.Snapshot(outDir);

        var run = CliRun.Of([.. Train, "--out", outDir, "--overwrite"]);

        run.AssertOneLineUsageError($"{RunSaver.SummaryFile} is not the output of a run there");
        Assert.Empty(FileSystemStates.Differences(before, FileSystemStates.Snapshot(outDir), [RunDirectory.LockFile]));
    }

    [Fact]
    public void Overwrite_removes_every_file_the_earlier_run_recorded_and_only_those()
    {
        var outDir = PreviousRun("--plot-every", "1");
        _dir.WriteText("previous-run/notes.txt", "mine");
        var recorded = RunOutputs.Recorded(outDir).Keys.ToList();
        Assert.Contains(TrainingPlots.SnapshotFile(2), recorded);

        var run = CliRun.Of([.. Train, "--out", outDir, "--overwrite"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(File.Exists(Path.Combine(outDir, TrainingPlots.SnapshotFile(2))));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(outDir, "notes.txt")));
        Assert.Equal(1, RunCheckpoints.LoadForResume(outDir)!.Optimizer.State.Epoch);
    }

    [Fact]
    public void Weights_without_their_checkpoint_manifest_are_neither_resumed_over_nor_overwritten()
    {
        var outDir = PreviousRun();
        File.Delete(Path.Combine(outDir, RunGeneration.ManifestFile));
        var before = FileSystemStates.Snapshot(outDir);

        var resume = CliRun.Of("train", "--resume", outDir, "--epochs", "4", "--quiet");
        var overwrite = CliRun.Of([.. Train, "--out", outDir, "--overwrite"]);

        Assert.True(resume.ExitCode == 1, resume.ToString());
        Assert.Contains($"it holds {RunCheckpoints.LastFile}, {RunCheckpoints.OptimizerFile}", resume.Stderr);
        Assert.Contains($"no {RunGeneration.ManifestFile}", resume.Stderr);
        Assert.Contains("--init-from", resume.Stderr);
        overwrite.AssertOneLineUsageError(RunCheckpoints.LastFile);
        Assert.Empty(FileSystemStates.Differences(before, FileSystemStates.Snapshot(outDir), [RunDirectory.LockFile]));
    }

    [Theory]
    [InlineData("predict", "pred.csv")]
    [InlineData("export", "model.onnx")]
    [InlineData("convert", "features.npy")]
    public void A_killed_writers_temporary_file_is_removed_by_the_next_write_of_that_file(string verb, string name)
    {
        var model = Path.Combine(PreviousRun(), RunCheckpoints.LastFile);
        var features = _dir.WriteText("user/features.csv", "0.5,1.5\n-1,2\n");
        var labelled = _dir.WriteText("user/data.csv", "0,0.5,1.5\n1,-1,2\n0,3,1\n1,2,2\n");
        var folder = Path.Combine(_dir.Path, "user");
        // A process id above any pid_max: that writer is surely gone. This process's own temporaries are alive.
        var stale = _dir.WriteText($"user/.{name}.2000000000.{Guid.NewGuid():N}.tmp", "torn");
        var live = _dir.WriteText($"user/.{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp", "in progress");
        var other = _dir.WriteText($"user/.other.csv.2000000000.{Guid.NewGuid():N}.tmp", "not this file's");

        var run = CliRun.Of(verb switch
        {
            "predict" => ["predict", "--checkpoint", model, "--input", features, "--device", "cpu", "--output", Path.Combine(folder, name)],
            "export" => ["export", "--checkpoint", model, "--output", Path.Combine(folder, name)],
            _ => ["convert", "--data", labelled, "--out", folder],
        });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
    }

    [Slow]
    [Fact]
    public void A_predict_killed_mid_write_leaves_a_temporary_that_the_next_predict_removes()
    {
        var model = Path.Combine(PreviousRun(), RunCheckpoints.LastFile);
        var random = new Random(22);
        var input = _dir.WriteText("user/big.csv", string.Join("\n", Enumerable.Range(0, 300_000).Select(_ => $"{random.NextDouble():0.####},{random.NextDouble():0.####}")) + "\n");
        var folder = Path.GetDirectoryName(input)!;
        var output = Path.Combine(folder, "pred.csv");
        string[] args = ["predict", "--checkpoint", model, "--input", input, "--device", "cpu", "--output", output];
        using (var killed = GpunetProcess.Start(args))
        {
            // Kill it while its temporary file is there: the write of 300,000 rows takes a while.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!killed.HasExited && DateTime.UtcNow < deadline && !Directory.EnumerateFiles(folder, ".pred.csv.*.tmp").Any()) Thread.Sleep(2);
            killed.Signal(GpunetProcess.SigKill);
            killed.WaitForExit(TimeSpan.FromSeconds(30));
        }
        Assert.NotEmpty(Directory.EnumerateFiles(folder, ".pred.csv.*.tmp")); // the debris this test is about
        Assert.False(File.Exists(output));

        var run = CliRun.Of(args);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(Directory.EnumerateFiles(folder, ".pred.csv.*.tmp"));
        Assert.Equal(300_001, File.ReadLines(output).Count());
    }

    [Fact]
    public void A_full_disk_leaves_no_staged_checkpoint_files_and_no_temporaries()
    {
        Assert.SkipUnless(FileSystemStates.IsRoot, "mounting a small tmpfs needs root");
        var disk = Path.Combine(_dir.Path, "disk");
        using var mount = FileSystemStates.MountTmpfs(disk, 160);
        var outDir = Path.Combine(disk, "run");
        // run.json fits, one 2-feature MLP's weights (4096 hidden units, 64 KiB) fit, the optimiser state beside them does not.
        var train = CliRun.Of("train", "--data", "blobs", "--model", "mlp", "--hidden", "4096", "--epochs", "1", "--device", "cpu", "--quiet", "--out", outDir);
        var predict = CliRun.Of("predict", "--checkpoint", Path.Combine(PreviousRun(), RunCheckpoints.LastFile), "--input", _dir.WriteText("f.csv", "1,2\n"), "--device", "cpu",
            "--output", Path.Combine(disk, "pred.csv"));

        Assert.True(train.ExitCode == 1, train.ToString());
        Assert.Contains("No space left on device", train.Stderr);
        Assert.Single(train.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain(Directory.EnumerateFiles(outDir, ".*"), f => f.EndsWith(".staged", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.True(predict.ExitCode == 0, predict.ToString()); // the failed save gave its room back
        Assert.Empty(Directory.EnumerateFiles(disk, ".*.tmp"));
    }

    /// <summary>An --out directory holding a finished 2-epoch run.</summary>
    private string PreviousRun(params string[] extra)
    {
        var outDir = Path.Combine(_dir.Path, "previous-run");
        if (Directory.Exists(outDir)) return outDir;
        var run = CliRun.Of(["train", "--data", "blobs", "--model", "logistic", "--epochs", "2", "--device", "cpu", "--quiet", "--out", outDir, .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return outDir;
    }

    public void Dispose() => _dir.Dispose();
}
