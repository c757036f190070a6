using System.Globalization;
using System.Text;

namespace GpuNet.Tests.Distributed;

/// <summary>
/// `mpirun --oversubscribe -np 2 gpunet train …` as users launch it, against the same command in one process: the
/// same weights (global-batch semantics), one header and one set of epoch lines (rank 0 alone prints), one run
/// directory that the ranks do not fight over (rank 0 alone claims and writes it: a second claimant would fail on its
/// lock), agreed stops and resume. Each mpirun costs a few seconds of start-up, so every case here is [Slow].
/// </summary>
public sealed class MpiTrainingTests : IDisposable
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private const double Tolerance = 1e-5; // relative: the issue's bound for one epoch
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly TempDirectory _dir = new();

    [Slow]
    [Theory]
    [InlineData("cpu", "sgd", 128)]   // momentum 0.9 (the default)
    [InlineData("cpu", "adamw", 129)] // an odd global batch: slices of 65 and 64, and a partial last batch of 78
    public void Two_ranks_end_an_epoch_of_fashion_mnist_on_the_weights_of_one_process(string device, string optimizer, int batch)
    {
        RequireFashionMnist();
        AssertSameWeights(["--data", "fashion-mnist", "--device", device, "--optimizer", optimizer, "--batch-size", batch.ToString(CultureInfo.InvariantCulture),
            "--lr", optimizer == "sgd" ? "0.01" : "0.001", "--epochs", "1", "--weight-decay", "1e-4"]);
    }

    [Slow]
    [Theory]
    [InlineData("sgd", 53)] // 160 training rows = 3 × 53 + 1: the last batch's single row leaves rank 1 nothing to train on
    [InlineData("adam", 128)] // 160 = 128 + 32: a full batch, then a short one split 16 / 16
    public void Two_ranks_on_the_ilgpu_simulator_end_on_the_weights_of_one_process(string optimizer, int batch)
    {
        var csv = FashionMnistCsv(200); // 160 train / 40 test rows with --val-fraction 0
        AssertSameWeights(["--data", csv, "--device", "ilgpu-cpu", "--hidden", "16", "--optimizer", optimizer, "--batch-size", batch.ToString(CultureInfo.InvariantCulture),
            "--lr", optimizer == "sgd" ? "0.05" : "0.01", "--epochs", "1", "--val-fraction", "0", "--clip-norm", "1"]);
    }

    [Slow]
    [Fact]
    public void Early_stopping_stops_every_rank_at_the_epoch_one_process_stops_at()
    {
        string[] args = ["--data", "xor", "--samples", "600", "--noise", "0.6", "--hidden", "8", "--lr", "0.5", "--epochs", "60", "--early-stopping", "2",
            "--device", "cpu", "--quiet"];
        var single = CliRun.Of(["train", .. args]);
        Assert.True(single.ExitCode == 0, single.ToString());
        int epochs = EpochLines(single.Stdout);
        Assert.True(epochs < 60, $"the single-process run did not stop early:\n{single}");

        using var job = GpunetProcess.UnderMpirun(2, ["train", .. args]);
        int exit = job.WaitForExit(Timeout);
        Assert.True(exit == 0, $"exit {exit}:\n{job.Output}");
        Assert.Equal(epochs, EpochLines(job.Output));
    }

    [Slow]
    [Fact]
    public void A_signal_to_one_rank_stops_every_rank_at_the_same_step_and_the_run_resumes_under_mpirun()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("finds the ranks through /proc");
        var outDir = Path.Combine(_dir.Path, "run");
        using (var job = GpunetProcess.UnderMpirun(2, "train", "--data", "spirals", "--samples", "50000", "--hidden", "64", "--epochs", "200",
            "--device", "cpu", "--out", outDir, "--quiet"))
        {
            Assert.True(job.WaitForLine("epoch ", Timeout), $"no epoch line:\n{job.Output}");
            GpunetProcess.SignalProcess(job.RankProcessId(1), GpunetProcess.SigTerm);
            int exit = job.WaitForExit(Timeout); // a rank that stopped alone would leave the other waiting in its all-reduce
            Assert.True(exit == 143, $"exit {exit}:\n{job.Output}");
            Assert.Contains("interrupted at epoch", job.Output);
            Assert.Contains("(a signal to another rank); saved to", job.Output); // rank 0 was not signalled, and saved
        }
        int stopped = RunCheckpoints.LoadForResume(outDir)!.Optimizer.State.Epoch;

        var otherCount = CliRun.Of("train", "--resume", outDir, "--quiet");
        Assert.True(otherCount.ExitCode == 2, otherCount.ToString());
        Assert.Contains("trained on 2 ranks and this sitting has 1 process", otherCount.Stderr);

        using var resumed = GpunetProcess.UnderMpirun(2, "train", "--resume", outDir, "--epochs", (stopped + 1).ToString(CultureInfo.InvariantCulture), "--quiet");
        int code = resumed.WaitForExit(Timeout);
        Assert.True(code == 0, $"exit {code}:\n{resumed.Output}");
        Assert.Contains("resuming", resumed.Output);
        Assert.Equal(stopped + 1, RunCheckpoints.LoadForResume(outDir)!.Optimizer.State.Epoch);
    }

    [Slow]
    [Fact]
    public void Bench_times_the_data_parallel_step_and_its_all_reduce_on_rank_0()
    {
        var csv = Path.Combine(_dir.Path, "bench.csv");
        using var job = GpunetProcess.UnderMpirun(2, "bench", "--data", "random", "--samples", "1000", "--batch-sizes", "64", "--steps", "5", "--warmup-steps", "2",
            "--hidden", "32", "--csv", csv);
        int exit = job.WaitForExit(Timeout);
        Assert.True(exit == 0, $"exit {exit}:\n{job.Output}");
        Assert.Equal(1, Count(job.Output, "distributed: 2 ranks over MPI (host-staged)"));
        Assert.Equal(1, Count(job.Output, "batch 64: all-reduce "));
        Assert.Contains("mean over 7 steps", job.Output); // 2 warm-up + 5 timed, the same on every rank
        Assert.Equal(2, File.ReadAllLines(csv).Length); // rank 0's header and row
    }

    [Slow]
    [Fact]
    public void Eval_splits_the_rows_across_ranks_and_reports_what_one_process_reports()
    {
        var outDir = Path.Combine(_dir.Path, "model");
        string[] data = ["--data", "blobs", "--classes", "3", "--samples", "1001", "--device", "cpu"]; // 200 test rows: 100 per rank
        var train = CliRun.Of(["train", .. data, "--epochs", "2", "--quiet", "--out", outDir]);
        Assert.True(train.ExitCode == 0, train.ToString());
        string[] eval = ["eval", "--checkpoint", Path.Combine(outDir, RunCheckpoints.LastFile), .. data, "--json"];
        var single = CliRun.Of(eval);
        Assert.True(single.ExitCode == 0, single.ToString());

        using var job = GpunetProcess.UnderMpirun(2, eval);
        int exit = job.WaitForExit(Timeout);
        Assert.True(exit == 0, $"exit {exit}:\n{job.Output}");
        Assert.Equal(1, Count(job.Output, "distributed: 2 ranks over MPI (host-staged)"));
        // stdout's lines (mpirun gives ranks a terminal, so .NET may put an escape sequence before the first one)
        var stdout = string.Join("\n", job.Output.Split('\n').Where(line => !line.StartsWith("stderr: ", StringComparison.Ordinal)));
        var json = stdout[stdout.IndexOf('{', StringComparison.Ordinal)..];
        using var expected = System.Text.Json.JsonDocument.Parse(single.Stdout);
        using var actual = System.Text.Json.JsonDocument.Parse(json); // one report: rank 1 printed none
        Assert.Equal(expected.RootElement.GetProperty("accuracy").GetDouble(), actual.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(expected.RootElement.GetProperty("classes").GetRawText(), actual.RootElement.GetProperty("classes").GetRawText()); // per-class counts: the reduced predictions
        Assert.Equal(expected.RootElement.GetProperty("loss").GetDouble(), actual.RootElement.GetProperty("loss").GetDouble(), 1e-6);
    }

    /// <summary>Trains <paramref name="args"/> in this process and under mpirun -np 2 (with --out), and compares the final weights tensor by tensor.</summary>
    private void AssertSameWeights(string[] args)
    {
        var singleDir = Path.Combine(_dir.Path, "single");
        var single = CliRun.Of(["train", .. args, "--quiet", "--out", singleDir]);
        Assert.True(single.ExitCode == 0, single.ToString());

        var jobDir = Path.Combine(_dir.Path, "mpi");
        using var job = GpunetProcess.UnderMpirun(2, ["train", .. args, "--quiet", "--out", jobDir]);
        int exit = job.WaitForExit(Timeout);
        Assert.True(exit == 0, $"exit {exit}:\n{job.Output}");
        Assert.Equal(1, Count(job.Output, "distributed: 2 ranks over MPI (host-staged)"));
        Assert.Equal(EpochLines(single.Stdout), EpochLines(job.Output));
        Assert.Equal(Files(singleDir), Files(jobDir));

        var expected = ModelCheckpoint.Load(Path.Combine(singleDir, RunCheckpoints.LastFile)).Parameters;
        var actual = ModelCheckpoint.Load(Path.Combine(jobDir, RunCheckpoints.LastFile)).Parameters.ToDictionary(t => t.Name);
        foreach (var tensor in expected)
        {
            var other = actual[tensor.Name].Data;
            double largest = tensor.Data.Max(x => Math.Abs((double)x)), worst = 0;
            for (int i = 0; i < tensor.Data.Length; i++) worst = Math.Max(worst, Math.Abs((double)other[i] - tensor.Data[i]));
            Assert.True(worst <= Tolerance * largest, $"{tensor.Name}: largest difference {worst:G3}, {worst / largest:G3} of its largest weight {largest:G3}");
        }
    }

    private static int EpochLines(string output) => output.Split('\n').Count(line => line.StartsWith("epoch ", StringComparison.Ordinal));

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    private static string[] Files(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static void RequireFashionMnist()
    {
        if (!Directory.Exists(FashionMnist))
            Assert.Skip($"Fashion-MNIST is not installed in {FashionMnist} (apt-get install dataset-fashion-mnist)");
    }

    /// <summary>The first <paramref name="rows"/> Fashion-MNIST training images as a CSV (label first, then the pixels as loaded): a real set small enough for the simulator.</summary>
    private string FashionMnistCsv(int rows)
    {
        RequireFashionMnist();
        var train = DataSources.Load(new DataOptions { Source = "fashion-mnist" }).Train;
        var text = new StringBuilder();
        text.Append("label,").AppendJoin(',', Enumerable.Range(0, train.FeatureCount).Select(j => $"p{j}")).Append('\n');
        var row = new float[train.FeatureCount];
        for (int r = 0; r < rows; r++)
        {
            train.ReadRow(r, row);
            text.Append(train.Labels[r]).Append(',').AppendJoin(',', row.Select(x => x.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        var path = Path.Combine(_dir.Path, $"fashion-{rows}.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
