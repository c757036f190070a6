using System.Diagnostics;
using System.Security.Cryptography;

namespace GpuNet.Tests.Cli;

/// <summary>
/// Inputs are read once: predict --input and train --data work on a pipe through '-' or /dev/stdin and on a
/// FIFO, and --output - writes to stdout. predict --output may not name the model or the input.
/// </summary>
public sealed class StreamInputTests : IDisposable
{
    private const string Features = "0.5,0.25\n-1,2\n3,-0.5\n";
    private readonly TempDirectory _dir = new();
    private readonly string _model;
    private readonly string _expected;

    public StreamInputTests()
    {
        var outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of("train", "--data", "blobs", "--model", "softmax", "--epochs", "2", "--device", "cpu", "--quiet", "--out", outDir);
        Assert.True(run.ExitCode == 0, run.ToString());
        _model = Path.Combine(outDir, RunCheckpoints.LastFile);
        var file = _dir.WriteText("features.csv", Features);
        var fromFile = CliRun.Of("predict", "--checkpoint", _model, "--input", file, "--device", "cpu");
        Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        _expected = fromFile.Stdout;
    }

    [Theory]
    [InlineData("-")]
    [InlineData("/dev/stdin")]
    public void Predict_reads_a_pipe_on_stdin(string input)
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("/dev/stdin and pipes as Linux has them");
        using var child = new GpunetProcess(Features, "predict", "--checkpoint", _model, "--input", input, "--device", "cpu", "--output", "-");
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(120)) == 0, child.Output);
        Assert.Equal(_expected.ReplaceLineEndings("\n").Trim(), Stdout(child).Trim());
    }

    [Fact]
    public void Predict_reads_a_fifo_without_hanging()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("mkfifo");
        var fifo = Path.Combine(_dir.Path, "features.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        using var child = GpunetProcess.Start("predict", "--checkpoint", _model, "--input", fifo, "--device", "cpu");
        File.WriteAllText(fifo, Features); // blocks until gpunet opens the FIFO, then gives it the bytes once
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(120)) == 0, child.Output);
        Assert.Equal(_expected.ReplaceLineEndings("\n").Trim(), Stdout(child).Trim());
    }

    [Fact]
    public void Train_reads_its_csv_from_stdin()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("pipes as Linux has them");
        var csv = string.Join("\n", Enumerable.Range(0, 60).Select(i => $"{i % 2},{i % 2 * 3 + i * 0.01},{i * 0.01}")) + "\n";
        var outDir = Path.Combine(_dir.Path, "from-stdin");
        using var child = new GpunetProcess(csv, "train", "--data", "-", "--model", "logistic", "--epochs", "2", "--device", "cpu", "--quiet", "--out", outDir);
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(120)) == 0, child.Output);
        Assert.Contains("data: standard input, ", child.Output);
        Assert.Equal(2, RunCheckpoints.LoadForResume(outDir)!.Optimizer.State.Epoch);
    }

    [Fact]
    public void Predict_output_may_not_name_the_model_or_the_input()
    {
        var input = Path.Combine(_dir.Path, "features.csv");
        var modelBytes = SHA256.HashData(File.ReadAllBytes(_model));
        var inputBytes = File.ReadAllText(input);

        var onModel = CliRun.Of("predict", "--checkpoint", _model, "--input", input, "--output", _model, "--device", "cpu");
        var onInput = CliRun.Of("predict", "--checkpoint", _model, "--input", input, "--output", input, "--device", "cpu");
        var empty = CliRun.Of("predict", "--checkpoint", _model, "--input", input, "--output", "", "--device", "cpu");

        Assert.True(onModel.ExitCode == 2 && onModel.Stderr.Contains("is the --checkpoint file"), onModel.ToString());
        Assert.True(onInput.ExitCode == 2 && onInput.Stderr.Contains("is the --input file"), onInput.ToString());
        Assert.True(empty.ExitCode == 2 && empty.Stderr.Contains("--output needs a file name"), empty.ToString());
        Assert.Equal(modelBytes, SHA256.HashData(File.ReadAllBytes(_model)));
        Assert.Equal(inputBytes, File.ReadAllText(input));
    }

    [Fact]
    public void A_directory_given_as_the_model_is_called_a_directory()
    {
        var run = CliRun.Of("predict", "--checkpoint", _dir.Path, "--input", Path.Combine(_dir.Path, "features.csv"), "--device", "cpu");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("is a directory", run.Stderr);
        Assert.DoesNotContain("denied", run.Stderr);
    }

    private static string Stdout(GpunetProcess child) =>
        string.Join("\n", child.Output.Split('\n').Where(l => !l.StartsWith("stderr: ", StringComparison.Ordinal)));

    public void Dispose() => _dir.Dispose();
}
