namespace GpuNet.Tests.Cli;

/// <summary>
/// gpunet sweep end to end on cpu: every model ends with the bytes gpunet train gives it alone with its train_args,
/// a diverging model is frozen while the rest finish, the results files say what each model did, and best/ is
/// the model of lowest validation loss.
/// </summary>
public sealed class SweepCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static readonly string[] FinishedStatuses = ["done", "early-stopped"];

    private static readonly string[] Data = ["--data", "blobs", "--samples", "300", "--classes", "3", "--batch-size", "32", "--epochs", "2", "--device", "cpu"];

    private (string Dir, JsonElement Json) Sweep(string name, params string[] options)
    {
        string dir = Path.Combine(_dir.Path, name);
        var run = CliRun.Of(["sweep", .. Data, "--out", dir, .. options]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (dir, JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "sweep.json"))).RootElement.Clone());
    }

    private static JsonElement[] Models(JsonElement sweep) => sweep.GetProperty("models").EnumerateArray().ToArray();

    private static byte[] Bytes(string dir, string file = "model.safetensors") => File.ReadAllBytes(Path.Combine(dir, file));

    [Fact]
    public void Every_model_of_a_mixed_sweep_ends_with_the_bytes_of_train_alone()
    {
        var (dir, sweep) = Sweep("mixed", "--hidden", "8", "--hidden", "16,8", "--optimizer", "sgd,adam", "--dropout", "0,0.3",
            "--class-weight", "none", "--class-weight", "1,4,1", "--lr", "0.05", "--seeds", "2");
        var models = Models(sweep);
        Assert.Equal(16, models.Length);
        foreach (var model in models)
        {
            string[] trainArgs = model.GetProperty("train_args").EnumerateArray().Select(a => a.GetString()!).ToArray();
            Assert.Contains("--data-seed", trainArgs);
            string alone = Path.Combine(_dir.Path, "alone-" + model.GetProperty("model").GetString());
            var run = CliRun.Of(["train", .. trainArgs, "--out", alone, "--quiet"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            string inSweep = Path.Combine(dir, model.GetProperty("run_dir").GetString()!);
            foreach (var file in new[] { RunCheckpoints.LastFile, RunCheckpoints.BestFile, RunCheckpoints.OptimizerFile })
                Assert.True(Bytes(alone, file).AsSpan().SequenceEqual(Bytes(inSweep, file)), $"{inSweep}: {file} differs from train {string.Join(" ", trainArgs)}");
        }
        // The models do differ: their options reached them.
        Assert.Equal(16, models.Select(m => Convert.ToHexString(Bytes(Path.Combine(dir, m.GetProperty("run_dir").GetString()!)))).Distinct().Count());
    }

    [Fact]
    public void A_diverging_model_is_frozen_and_the_others_finish()
    {
        var (dir, sweep) = Sweep("diverge", "--hidden", "8", "--lr", "0.1,1e30,0.05");
        var models = Models(sweep);
        Assert.Equal(["done", "diverged", "done"], models.Select(m => m.GetProperty("status").GetString()));
        Assert.Contains("training diverged at epoch 1", models[1].GetProperty("failure").GetString());
        Assert.Equal(0, models[1].GetProperty("epochs").GetInt32());
        Assert.Equal(2, models[2].GetProperty("epochs").GetInt32());
        Assert.True(File.Exists(Path.Combine(dir, "models/002/summary.json")));
        Assert.False(File.Exists(Path.Combine(dir, "models/001/summary.json")));
        Assert.Contains(",diverged,", File.ReadAllText(Path.Combine(dir, "sweep.csv")));
    }

    [Fact]
    public void Every_model_diverging_is_exit_3()
    {
        var run = CliRun.Of(["sweep", .. Data, "--out", Path.Combine(_dir.Path, "all"), "--hidden", "8", "--lr", "1e30,1e31", "--quiet"]);
        Assert.True(run.ExitCode == 3, run.ToString());
    }

    [Fact]
    public void The_results_name_each_models_options_arguments_figures_and_directory_and_best_holds_the_lowest_validation_loss()
    {
        var (dir, sweep) = Sweep("results", "--hidden", "4", "--hidden", "16", "--lr", "0.3,0.01", "--early-stopping", "1", "--momentum", "0.9");
        Assert.Equal(["--hidden", "--lr"], sweep.GetProperty("options_that_differ").EnumerateArray().Select(e => e.GetString()));
        var models = Models(sweep);
        Assert.Equal(["000", "001", "002", "003"], models.Select(m => m.GetProperty("model").GetString()));
        Assert.Equal("0.01", models[1].GetProperty("options").GetProperty("--lr").GetString());
        Assert.Equal("16", models[2].GetProperty("options").GetProperty("--hidden").GetString());
        Assert.Equal([.. Data, "--data-seed", "0", "--hidden", "16", "--lr", "0.3", "--early-stopping", "1", "--momentum", "0.9"],
            models[2].GetProperty("train_args").EnumerateArray().Select(a => a.GetString()));
        foreach (var model in models)
        {
            Assert.Contains(model.GetProperty("status").GetString(), FinishedStatuses);
            var history = model.GetProperty("history").EnumerateArray().ToArray();
            Assert.Equal(model.GetProperty("epochs").GetInt32(), history.Length);
            double best = history.Min(e => e.GetProperty("val_loss").GetDouble());
            Assert.Equal(best, model.GetProperty("best").GetProperty("val_loss").GetDouble());
            Assert.Equal(history[^1].GetProperty("val_loss").GetDouble(), model.GetProperty("final").GetProperty("val_loss").GetDouble());
            // Its run directory is an ordinary one: eval reads its best checkpoint.
            string run = Path.Combine(dir, model.GetProperty("run_dir").GetString()!);
            var eval = CliRun.Of("eval", "--checkpoint", Path.Combine(run, RunCheckpoints.BestFile), "--data", "blobs", "--samples", "300", "--classes", "3", "--device", "cpu");
            Assert.True(eval.ExitCode == 0, eval.ToString());
            Assert.True(File.Exists(Path.Combine(run, "summary.json")) && File.Exists(Path.Combine(run, "curves.png")), run);
        }
        var lowest = models.MinBy(m => m.GetProperty("best").GetProperty("val_loss").GetDouble());
        Assert.Equal(lowest.GetProperty("model").GetString(), sweep.GetProperty("best").GetString());
        Assert.Equal(Bytes(Path.Combine(dir, lowest.GetProperty("run_dir").GetString()!), RunCheckpoints.BestFile), Bytes(Path.Combine(dir, "best"), RunCheckpoints.BestFile));
        Assert.True(new FileInfo(Path.Combine(dir, "validation.png")).Length > 1000);

        var csv = File.ReadAllLines(Path.Combine(dir, "sweep.csv"));
        Assert.Equal(5, csv.Length);
        Assert.StartsWith("model,hidden,lr,status,epochs,best_epoch,final_train_loss,", csv[0]);
        Assert.StartsWith("002,16,0.3,", csv[3]);
        Assert.Contains("models/002,--data blobs", csv[3]);
    }

    [Fact]
    public void A_model_of_a_sweep_resumes_and_extends_with_train()
    {
        var (dir, _) = Sweep("extend", "--hidden", "8", "--lr", "0.1,0.05", "--seeds", "1");
        var more = CliRun.Of("train", "--resume", Path.Combine(dir, "models/001"), "--epochs", "3", "--quiet");
        Assert.True(more.ExitCode == 0, more.ToString());
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "models/001/metrics.csv")).Length);
        var again = CliRun.Of(["sweep", .. Data, "--out", dir, "--lr", "0.1"]);
        again.AssertOneLineUsageError("already holds a sweep");
    }

    [Fact]
    public void A_grid_file_gives_the_models_rows_crossed_with_the_lists()
    {
        string grid = _dir.WriteText("grid.json", """[{"lr": 0.1, "hidden": [8, 4]}, {"lr": 0.002, "optimizer": "adam", "hidden": 16}]""");
        var (dir, sweep) = Sweep("grid", "--grid", grid, "--seeds", "0-1");
        var models = Models(sweep);
        Assert.Equal(4, models.Length);
        Assert.Equal(["--lr", "--hidden", "--seed", "--optimizer"], sweep.GetProperty("options_that_differ").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["8,4", "8,4", "16", "16"], models.Select(m => m.GetProperty("options").GetProperty("--hidden").GetString()));
        Assert.Equal(["default", "default", "adam", "adam"], models.Select(m => m.GetProperty("options").GetProperty("--optimizer").GetString()));
        Assert.Equal(["0", "1", "0", "1"], models.Select(m => m.GetProperty("options").GetProperty("--seed").GetString()));
        Assert.All(models, m => Assert.Equal("done", m.GetProperty("status").GetString()));
        Assert.Contains("layers.2.weight", ReadHeader(Path.Combine(dir, "models/000", RunCheckpoints.LastFile))); // 2-8-4-3
        Assert.DoesNotContain("layers.2.weight", ReadHeader(Path.Combine(dir, "models/002", RunCheckpoints.LastFile))); // 2-16-3
    }

    private static string ReadHeader(string safetensors)
    {
        var bytes = File.ReadAllBytes(safetensors);
        return System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
    }

    [Fact]
    public void Without_a_validation_split_no_model_is_chosen()
    {
        var (dir, sweep) = Sweep("noval", "--hidden", "8", "--lr", "0.1,0.05", "--val-fraction", "0");
        Assert.Equal(JsonValueKind.Null, sweep.GetProperty("best").ValueKind);
        Assert.False(Directory.Exists(Path.Combine(dir, "best")));
        Assert.False(File.Exists(Path.Combine(dir, "validation.png")));
        Assert.All(Models(sweep), m => Assert.Equal("done", m.GetProperty("status").GetString()));
    }

    [Fact]
    public void A_finished_sweep_resumes_to_nothing_and_refuses_data_that_changed()
    {
        var rows = Enumerable.Range(0, 80).Select(i => $"{i % 2},{(i % 2) * 2 + (i % 7) * 0.1},{(i % 5) * 0.3}");
        string csv = _dir.WriteText("data.csv", string.Join("\n", rows) + "\n");
        string dir = Path.Combine(_dir.Path, "csv");
        var first = CliRun.Of("sweep", "--data", csv, "--model", "logistic", "--lr", "0.1,0.01", "--epochs", "2", "--device", "cpu", "--out", dir, "--quiet");
        Assert.True(first.ExitCode == 0, first.ToString());
        byte[] weights = Bytes(Path.Combine(dir, "models/001"));
        var again = CliRun.Of("sweep", "--resume", dir, "--quiet");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("2 finished in an earlier sitting", again.Stdout);
        Assert.DoesNotContain(" epoch 1/2", again.Stdout);
        Assert.Equal(weights, Bytes(Path.Combine(dir, "models/001")));

        File.AppendAllText(csv, "1,2.5,0.3\n");
        var changed = CliRun.Of("sweep", "--resume", dir, "--quiet");
        Assert.True(changed.ExitCode == 1 && changed.Stderr.Contains("the data differs from what the run was trained on", StringComparison.Ordinal), changed.ToString());
    }

    [Fact]
    public void The_memory_check_counts_the_optimisers_state_as_train_does()
    {
        // A network whose parameters and gradients fit in memory (8 bytes a parameter) but not with Adam's two moments besides (16).
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        double parameters = (available / 16.0 + Math.Min(available / 8.0, int.MaxValue)) / 2;
        if (parameters <= available / 16.0 * 1.01) Assert.Skip($"{available:N0} bytes of memory: no network fits with its gradients yet not with Adam's state in one buffer");
        int width = (int)Math.Sqrt(parameters);
        string[] args = [.. Data, "--hidden", $"{width},{width}", "--optimizer", "adam", "--lr", "0.01"];
        var train = CliRun.Of(["train", .. args]);
        train.AssertOneLineUsageError("the buffers need");
        var sweep = CliRun.Of(["sweep", .. args, "--out", Path.Combine(_dir.Path, "memory")]);
        sweep.AssertOneLineUsageError("model 000 (");
        Assert.EndsWith(train.Stderr["gpunet: ".Length..], sweep.Stderr);
    }

    [Fact]
    public void A_model_that_fails_to_resume_releases_its_directory()
    {
        var (dir, _) = Sweep("unlock", "--hidden", "4", "--lr", "0.1,0.05");
        string path = Path.Combine(dir, "sweep.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"status\": \"done\"", "\"status\": \"pending\"", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "models/000", RunCheckpoints.LastFile), "not a checkpoint");
        var first = CliRun.Of("sweep", "--resume", dir, "--quiet");
        Assert.True(first.ExitCode == 1, first.ToString());
        // Run again in the same process: the model's directory is not still locked by the failed attempt.
        var second = CliRun.Of("sweep", "--resume", dir, "--quiet");
        Assert.Equal(first.ToString(), second.ToString());
        Assert.DoesNotContain("another gpunet run", second.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
