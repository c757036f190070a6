namespace GpuNet.Tests.Cli;

public sealed class TrainCliTests
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    [Slow]
    [Fact]
    public void Fashion_mnist_reaches_84_percent_in_three_epochs_on_cpu()
    {
        if (!File.Exists(Path.Combine(FashionMnist, "train-images-idx3-ubyte.gz")))
            Assert.Skip($"Fashion-MNIST is not installed in {FashionMnist} (apt-get install dataset-fashion-mnist)");
        using var outDir = new TempDirectory();

        // run.sh's recipe (cosine-decayed SGD with momentum), cut to 3 epochs: 86.4% today, a margin over 84%.
        var run = CliRun.Of("train", "--data", "fashion-mnist", "--device", "cpu", "--epochs", "3", "--lr", "0.05", "--lr-schedule", "cosine",
            "--out", outDir.Path, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var summary = JsonDocument.Parse(run.Stdout);
        var root = summary.RootElement;
        Assert.True(root.GetProperty("test_accuracy").GetDouble() >= 0.84, run.ToString());
        Assert.Equal("mlp", root.GetProperty("model").GetString());
        Assert.Equal("cpu", root.GetProperty("device").GetString());
        Assert.Equal(3, root.GetProperty("epochs").GetInt32());
        foreach (var key in new[] { "batch_size", "lr", "train_loss", "train_accuracy", "test_loss", "samples_per_second", "seconds" })
            Assert.True(root.TryGetProperty(key, out _), $"summary lacks {key}");
        Assert.Equal(run.Stdout.Trim(), File.ReadAllText(Path.Combine(outDir.Path, "summary.json")).Trim());
        var metrics = File.ReadAllLines(Path.Combine(outDir.Path, "metrics.csv"));
        Assert.Equal(4, metrics.Length);
        Assert.StartsWith("epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr", metrics[0]);
        Assert.Contains("epoch 3/3", run.Stderr); // with --json, progress goes to stderr
    }

    // gpunet train on ILGPU's simulator, end to end, beside the same run on cpu: the simulator's cost is per
    // launch, so 3 epochs of 8 batches of 100 stand in for the 50 that reach 97%. Its figures after them must be
    // cpu's (StepCheckTests holds the step itself to the float64 reference), and the same recipe on cpu, where
    // 50 epochs take a second, reaches 95%: what the 50-epoch simulator run (a minute) used to show. No --out:
    // the decision-boundary plot of a run directory would cost the simulator more than the training.
    [Slow]
    [Fact]
    public void Spirals_train_end_to_end_on_the_ilgpu_cpu_accelerator_as_on_cpu()
    {
        string[] Recipe(string device, int epochs) =>
            ["train", "--data", "spirals", "--model", "mlp", "--hidden", "32", "--device", device, "--epochs", epochs.ToString(), "--batch-size", "100", "--lr", "0.2", "--json"];
        var simulator = CliRun.Of(Recipe("ilgpu-cpu", 3));
        var cpu = CliRun.Of(Recipe("cpu", 3));
        Assert.True(simulator.ExitCode == 0, simulator.ToString());
        Assert.True(cpu.ExitCode == 0, cpu.ToString());
        using var simulated = JsonDocument.Parse(simulator.Stdout);
        using var managed = JsonDocument.Parse(cpu.Stdout);
        Assert.Equal("ilgpu-cpu", simulated.RootElement.GetProperty("device").GetString());
        Assert.Equal(3, simulated.RootElement.GetProperty("epochs").GetInt32());
        // GEMM sums in another order are the only difference: losses within 1e-4, accuracies within a row or two.
        foreach (var loss in new[] { "train_loss", "test_loss" })
        {
            double a = simulated.RootElement.GetProperty(loss).GetDouble(), b = managed.RootElement.GetProperty(loss).GetDouble();
            Assert.True(Math.Abs(a - b) <= 1e-4 * Math.Abs(b), $"{loss}: ilgpu-cpu {a}, cpu {b}");
        }
        foreach (var accuracy in new[] { "train_accuracy", "test_accuracy" })
        {
            double a = simulated.RootElement.GetProperty(accuracy).GetDouble(), b = managed.RootElement.GetProperty(accuracy).GetDouble();
            Assert.True(Math.Abs(a - b) <= 0.01, $"{accuracy}: ilgpu-cpu {a}, cpu {b}");
        }

        var full = CliRun.Of(Recipe("cpu", 50));
        Assert.True(full.ExitCode == 0, full.ToString());
        using var fullSummary = JsonDocument.Parse(full.Stdout);
        Assert.True(fullSummary.RootElement.GetProperty("test_accuracy").GetDouble() >= 0.95, full.ToString());
    }

    [Theory]
    [InlineData("--batch-size", "0", "--batch-size")]
    [InlineData("--epochs", "0", "--epochs")]
    [InlineData("--lr", "-1", "--lr")]
    [InlineData("--momentum", "1.5", "--momentum")]
    [InlineData("--hidden", "25x", "--hidden")]
    [InlineData("--hidden", "", "--hidden")]
    [InlineData("--activation", "swish", "swish")]
    [InlineData("--model", "svm", "svm")]
    [InlineData("--device", "tpu", "tpu")]
    [InlineData("--data", "imagenet", "imagenet")]
    [InlineData("--epochs", "many", "many")]
    public void Bad_options_are_usage_errors_naming_the_option(string option, string value, string fragment)
    {
        CliRun.Replacing("train", new Dictionary<string, string> { ["--data"] = "blobs", ["--epochs"] = "1" }, option, value).AssertOneLineUsageError(fragment);
    }

    [Fact]
    public void Without_out_the_run_says_in_one_line_that_nothing_is_kept()
    {
        using var dir = new TempDirectory();
        var unsaved = CliRun.Of("train", "--data", "xor", "--samples", "100", "--epochs", "1", "--device", "cpu", "--quiet");
        var saved = CliRun.Of("train", "--data", "xor", "--samples", "100", "--epochs", "1", "--device", "cpu", "--quiet", "--out", Path.Combine(dir.Path, "run"));

        Assert.True(unsaved.ExitCode == 0, unsaved.ToString());
        Assert.Single(unsaved.Stdout.Split('\n'), l => l == "not saved: without --out DIR the model, metrics and plots of this run are not kept");
        Assert.True(saved.ExitCode == 0, saved.ToString());
        Assert.DoesNotContain("not saved", saved.Stdout);
    }

    [Fact]
    public void Logistic_regression_on_ten_classes_is_a_usage_error()
    {
        var run = CliRun.Of("train", "--data", "blobs", "--classes", "3", "--model", "logistic", "--epochs", "1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("3 classes", run.Stderr);
    }

    [Fact]
    public void A_missing_csv_file_is_a_data_error()
    {
        var run = CliRun.Of("train", "--data", "/nonexistent/train.csv", "--epochs", "1");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("train.csv", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_device_that_is_not_there_lists_the_devices_that_are()
    {
        var run = CliRun.Of("train", "--data", "blobs", "--epochs", "1", "--device", "cuda:7");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cpu", run.Stderr);
        Assert.Contains("ilgpu-cpu", run.Stderr);
    }

    [Fact]
    public void Devices_lists_cpu_and_the_ilgpu_cpu_accelerator()
    {
        var run = CliRun.Of("devices");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\ncpu ", run.Stdout);
        Assert.Contains("\nilgpu-cpu ", run.Stdout);
    }
}
