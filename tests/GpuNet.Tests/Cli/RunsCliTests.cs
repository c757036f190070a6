using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>
/// <c>gpunet runs</c> over a folder of small runs: the options that differ, the figures, sorting, JSON and the overlaid
/// validation curves; and summary.json's hyperparameters and best_epoch, which it rests on.
/// </summary>
public sealed class RunsCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Train(string name, params string[] options)
    {
        string outDir = Path.Combine(_dir.Path, name);
        var run = CliRun.Of(["train", "--data", "xor", "--samples", "300", "--hidden", "8", "--device", "cpu", "--quiet", "--out", outDir, .. options]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return outDir;
    }

    private void ThreeRuns()
    {
        Train("sweep/lr-0.1", "--lr", "0.1", "--epochs", "3");
        Train("sweep/lr-0.3", "--lr", "0.3", "--epochs", "3");
        Train("adam", "--optimizer", "adam", "--lr", "0.01", "--epochs", "2");
    }

    [Fact]
    public void The_table_has_a_row_per_run_with_the_options_that_differ_and_the_figures()
    {
        ThreeRuns();
        var run = CliRun.Of("runs", _dir.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains("lr", header);
        Assert.Contains("optimizer", header);
        Assert.DoesNotContain("hidden", header); // the same in every run
        Assert.DoesNotContain("data", header);
        Assert.Equal(["run"], header[..1]);
        Assert.Equal(["epochs", "val_loss", "val_acc", "best_epoch", "best_val_loss", "best_val_acc", "test_acc", "time"], header[^8..]);
        var rows = lines[1..].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(r => r[0]);
        Assert.Equal(["adam", "sweep/lr-0.1", "sweep/lr-0.3"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("0.3", rows["sweep/lr-0.3"][Array.IndexOf(header, "lr")]);
        Assert.Equal("-", rows["adam"][Array.IndexOf(header, "momentum")]); // momentum does not apply to Adam
        Assert.Equal("2", rows["adam"][Array.IndexOf(header, "epochs")]);
    }

    [Fact]
    public void Sort_json_and_plot()
    {
        ThreeRuns();
        string png = Path.Combine(_dir.Path, "curves.png");
        var json = CliRun.Of("runs", _dir.Path, "--sort", "best_val_acc", "--json", "--plot", png);

        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = JsonDocument.Parse(json.Stdout);
        var runs = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(3, runs.Length);
        var best = runs.Select(r => r.GetProperty("best_val_accuracy").GetDouble()).ToArray();
        Assert.Equal(best.OrderDescending(), best);
        foreach (var r in runs)
        {
            Assert.True(r.GetProperty("finished").GetBoolean());
            Assert.Equal("xor", r.GetProperty("options").GetProperty("data").GetString());
            Assert.InRange(r.GetProperty("best_epoch").GetInt32(), 1, r.GetProperty("epochs").GetInt32());
        }
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);

        var byLr = CliRun.Of("runs", _dir.Path, "--sort", "lr");
        Assert.True(byLr.ExitCode == 0, byLr.ToString());
        var order = byLr.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..].Select(l => l.Split(' ')[0]).ToArray();
        Assert.Equal(["adam", "sweep/lr-0.1", "sweep/lr-0.3"], order); // lr 0.01, 0.1, 0.3
    }

    [Fact]
    public void Bad_folders_and_columns_are_one_line_errors()
    {
        AssertDataError(CliRun.Of("runs", Path.Combine(_dir.Path, "missing")), "no such folder");
        AssertDataError(CliRun.Of("runs", _dir.Path), "no runs there");
        Train("one", "--epochs", "1");
        CliRun.Of("runs", _dir.Path, "--sort", "nope").AssertOneLineUsageError("--sort nope: no such column");
        // A damaged run is skipped with a line; the others are listed.
        Directory.CreateDirectory(Path.Combine(_dir.Path, "broken"));
        File.WriteAllText(Path.Combine(_dir.Path, "broken", RunManifest.FileName), "[1, 2");
        var run = CliRun.Of("runs", _dir.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("gpunet runs: skipped broken: ", run.Stderr);
        Assert.Equal(2, run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Summary_json_holds_the_hyperparameters_and_best_epoch_without_early_stopping()
    {
        string outDir = Train("plain", "--lr", "0.3", "--epochs", "3");
        string noValidation = Train("noval", "--lr", "0.3", "--epochs", "2", "--val-fraction", "0");

        string text = File.ReadAllText(Path.Combine(outDir, RunSaver.SummaryFile));
        using var summary = JsonDocument.Parse(text);
        Assert.Contains("\"lr\": 0.3,", text); // as given, not 0.30000001192092896
        Assert.InRange(summary.RootElement.GetProperty("best_epoch").GetInt32(), 1, 3);
        var options = summary.RootElement.GetProperty("options");
        Assert.Equal(0.3, options.GetProperty("lr").GetDouble());
        Assert.Equal("sgd", options.GetProperty("optimizer").GetString());
        Assert.Equal([8], options.GetProperty("hidden").EnumerateArray().Select(h => h.GetInt32()));
        using var plain = JsonDocument.Parse(File.ReadAllText(Path.Combine(noValidation, RunSaver.SummaryFile)));
        Assert.Equal(2, plain.RootElement.GetProperty("best_epoch").GetInt32()); // no validation: the last epoch
    }

    [Fact]
    public void Plot_refuses_to_write_over_a_runs_file_or_its_data()
    {
        ThreeRuns();
        string curves = Path.Combine(_dir.Path, "adam", "curves.png");
        byte[] before = File.ReadAllBytes(curves);
        CliRun.Of("runs", _dir.Path, "--plot", curves).AssertOneLineUsageError("curves.png");
        Assert.Equal(before, File.ReadAllBytes(curves));
        string csv = _dir.WriteText("data.csv", string.Join("\n", Enumerable.Range(0, 60).Select(i => $"{i % 2},{i % 2 + (i % 7) * 0.1},{(i % 5) * 0.3}")) + "\n");
        var train = CliRun.Of("train", "--data", csv, "--model", "logistic", "--epochs", "1", "--device", "cpu", "--quiet", "--out", Path.Combine(_dir.Path, "csv"));
        Assert.True(train.ExitCode == 0, train.ToString());
        string text = File.ReadAllText(csv);
        CliRun.Of("runs", _dir.Path, "--plot", csv).AssertOneLineUsageError("data.csv");
        Assert.Equal(text, File.ReadAllText(csv));
    }

    [Fact]
    public void A_sweeps_best_folder_is_not_listed_as_a_run_of_its_own()
    {
        string sweep = Path.Combine(_dir.Path, "sweep");
        var run = CliRun.Of("sweep", "--data", "xor", "--samples", "120", "--hidden", "4", "--lr", "0.1,0.3", "--epochs", "1", "--device", "cpu", "--quiet", "--out", sweep);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(Directory.Exists(Path.Combine(sweep, "best")));
        var json = CliRun.Of("runs", _dir.Path, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal(["sweep/models/000", "sweep/models/001"], doc.RootElement.EnumerateArray().Select(r => r.GetProperty("run").GetString()));
    }

    private static void AssertDataError(CliRun run, string fragment)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(fragment, run.Stderr);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public void Dispose() => _dir.Dispose();
}
