namespace GpuNet.Tests.Cli;

/// <summary>
/// Adam's and AdamW's state through the CLI: optimizer.safetensors holds exp_avg, exp_avg_sq and the step count under
/// PyTorch's names, and a resumed run (its moments, its step count for the bias corrections, its dropout masks)
/// ends bit for bit where the run straight through does, on cpu.
/// </summary>
public sealed class AdamResumeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("adam", "0")]
    [InlineData("adamw", "0.2")]
    public void Four_epochs_and_a_resume_for_two_equal_six_straight_bit_for_bit_on_cpu(string optimizer, string dropout)
    {
        string a = Path.Combine(_dir.Path, "a"), b = Path.Combine(_dir.Path, "b");
        string[] common = ["train", "--data", "spirals", "--hidden", "16", "--device", "cpu", "--optimizer", optimizer, "--lr", "0.01",
            "--weight-decay", "0.01", "--beta2", "0.99", "--dropout", dropout, "--warmup", "1", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. common, "--epochs", "4", "--out", a]).ExitCode);
        var resumed = CliRun.Of("train", "--resume", a, "--epochs", "6", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(0, CliRun.Of([.. common, "--epochs", "6", "--out", b]).ExitCode);

        Assert.Equal(File.ReadAllBytes(Path.Combine(b, RunCheckpoints.LastFile)), File.ReadAllBytes(Path.Combine(a, RunCheckpoints.LastFile)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(b, RunCheckpoints.OptimizerFile)), File.ReadAllBytes(Path.Combine(a, RunCheckpoints.OptimizerFile)));

        var state = SafetensorsFile.Load(Path.Combine(a, RunCheckpoints.OptimizerFile));
        Assert.Equal(optimizer, state.Metadata["optimizer"]);
        // Spirals' 1000 points: 800 to train, 720 after the 10% validation split, 6 steps of 128 an epoch, 6 epochs.
        Assert.Equal((6 * GpuNet.Training.TrainOptions.StepsPerEpoch(720, 128)).ToString(System.Globalization.CultureInfo.InvariantCulture), state.Metadata["step"]);
        // Two layers, four parameter tensors: state.0 … state.3, each with both moments, shaped like its parameter.
        Assert.Equal(
            Enumerable.Range(0, 4).SelectMany(k => new[] { $"state.{k}.exp_avg", $"state.{k}.exp_avg_sq" }).Order(StringComparer.Ordinal),
            state.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal([16, 2], state.Tensors.Single(t => t.Name == "state.0.exp_avg_sq").Shape);
        Assert.All(state.Tensors.Where(t => t.Name.EndsWith("exp_avg_sq", StringComparison.Ordinal)), t => Assert.Contains(t.Data, v => v > 0));
    }

    /// <summary>Resuming an Adam run with SGD state (or the other way round) is refused, naming both.</summary>
    [Fact]
    public void A_resume_whose_optimizer_state_is_another_optimizers_is_refused()
    {
        string a = Path.Combine(_dir.Path, "a");
        Assert.Equal(0, CliRun.Of("train", "--data", "blobs", "--model", "logistic", "--epochs", "1", "--device", "cpu", "--optimizer", "adam", "--out", a, "--quiet").ExitCode);
        var run = Path.Combine(a, "run.json");
        File.WriteAllText(run, File.ReadAllText(run).Replace("\"optimizer\": \"adam\"", "\"optimizer\": \"adamw\"", StringComparison.Ordinal));
        var resumed = CliRun.Of("train", "--resume", a, "--epochs", "2", "--quiet");
        Assert.True(resumed.ExitCode == 1, resumed.ToString());
        Assert.Contains("adam state", resumed.Stderr);
        Assert.Contains("adamw", resumed.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
