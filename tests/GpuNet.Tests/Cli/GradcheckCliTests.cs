namespace GpuNet.Tests.Cli;

public sealed class GradcheckCliTests
{
    [Theory]
    [InlineData("logistic", 2)]
    [InlineData("softmax", 2)]
    [InlineData("mlp", 6)]
    public void Passes_on_cpu_for_every_model_kind(string model, int tensors)
    {
        var args = new List<string> { "gradcheck", "--model", model, "--device", "cpu" };
        if (model == "mlp") args.AddRange(["--hidden", "6,5", "--activation", "sigmoid"]);

        var run = CliRun.Of([.. args]);

        Assert.True(run.ExitCode == 0, run.ToString());
        for (int t = 0; t < tensors / 2; t++)
        {
            Assert.Contains($"layers.{t}.weight", run.Stdout);
            Assert.Contains($"layers.{t}.bias", run.Stdout);
        }
        Assert.Contains($"ok: all {tensors} tensors within 1.00E-03", run.Stdout);
        Assert.DoesNotContain("FAIL", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void An_error_above_the_threshold_fails_naming_the_tensor()
    {
        // float32 gradients differ from float64 differences by ~1e-7: far above this threshold.
        var run = CliRun.Of("gradcheck", "--model", "logistic", "--device", "cpu", "--threshold", "1e-15");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL", run.Stdout);
        var message = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gpunet: gradient check failed: layers.0.weight relative error", message);
        Assert.Contains("> threshold 1.00E-15", message);
    }

    [Theory]
    [InlineData("--model", "svm")]
    [InlineData("--activation", "swish")]
    [InlineData("--rows", "0")]
    [InlineData("--inputs", "0")]
    [InlineData("--threshold", "0")]
    [InlineData("--threshold", "many")]
    [InlineData("--hidden", "7x")]
    [InlineData("--classes", "1")]
    [InlineData("--device", "tpu")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        CliRun.Of("gradcheck", "--device", "cpu", option, value).AssertOneLineUsageError();
    }

    [Fact]
    public void Logistic_regression_with_three_classes_is_a_usage_error()
    {
        var run = CliRun.Of("gradcheck", "--model", "logistic", "--classes", "3", "--device", "cpu");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("logistic", run.Stderr);
    }

    [Fact]
    public void The_documented_threshold_is_the_default() =>
        Assert.Contains(GradientCheck.DefaultThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture), CliRun.Of("gradcheck", "--help").Stdout);
}
