using GpuNet.Tests.Data;

namespace GpuNet.Tests.Cli;

/// <summary>
/// Bad files through the whole command line: each gives its exit code and a one-line message
/// naming the problem, and a previous run's results in --out stay exactly as they were.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static readonly TheoryData<string, string, string> BadCsvFiles = new()
    {
        { "ragged.csv", "0,1.0,2.0\n1,3.0\n", "line 2" },
        { "word.csv", "0,1.0,2.0\n1,abc,3.0\n", "abc" },
        { "nan.csv", "0,1.0,2.0\n1,NaN,3.0\n", "NaN" },
        { "empty.csv", "", "empty" },
        { "label.csv", "0,1.0,2.0\n1.5,3.0,4.0\n", "1.5" },
        { "feature.csv", "0,1.0,2.0\n1,3.0,x\n", "\"x\" is not a number" },
    };

    [Theory]
    [MemberData(nameof(BadCsvFiles))]
    public void A_bad_csv_file_is_a_one_line_data_error_that_keeps_earlier_results(string name, string contents, string fragment)
    {
        var outDir = PreviousRun();
        var before = Snapshot(outDir);
        var path = _dir.WriteText(name, contents);

        var run = CliRun.Of("train", "--data", path, "--epochs", "1", "--out", outDir, "--overwrite");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(name, run.Stderr);
        Assert.Contains(fragment, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Equal(before, Snapshot(outDir));
    }

    [Fact]
    public void A_truncated_idx_file_names_the_file_and_the_shortfall()
    {
        var data = Path.Combine(_dir.Path, "fashion-mnist");
        Directory.CreateDirectory(data);
        var images = IdxTestFiles.Images(20, 28, 28);
        File.WriteAllBytes(Path.Combine(data, "train-images-idx3-ubyte"), images[..(images.Length - 100)]);
        File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte"), IdxTestFiles.Labels(20));
        File.WriteAllBytes(Path.Combine(data, "t10k-images-idx3-ubyte"), IdxTestFiles.Images(5, 28, 28));
        File.WriteAllBytes(Path.Combine(data, "t10k-labels-idx1-ubyte"), IdxTestFiles.Labels(5));

        var run = CliRun.Of("train", "--data", "fashion-mnist", "--data-dir", _dir.Path, "--epochs", "1");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("train-images-idx3-ubyte", run.Stderr);
        Assert.Contains("truncated", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--batch-size", "-5")]
    [InlineData("--lr", "0")]
    [InlineData("--val-fraction", "1.5")]
    [InlineData("--hidden", "256,,128")]
    [InlineData("--lr-gamma", "2")]
    [InlineData("--beta1", "1.5")]
    [InlineData("--beta2", "-0.1")]
    [InlineData("--eps", "0")]
    [InlineData("--dropout", "1")]
    public void A_bad_option_keeps_earlier_results(string option, string value)
    {
        var outDir = PreviousRun();
        var before = Snapshot(outDir);

        CliRun.Of("train", "--data", "blobs", "--epochs", "1", "--out", outDir, "--overwrite", option, value).AssertOneLineUsageError(option);
        Assert.Equal(before, Snapshot(outDir));
    }

    /// <summary>An option the chosen optimiser or model would silently ignore is a one-line usage error naming it.</summary>
    [Theory]
    [InlineData("--optimizer adam --momentum 0.5", "--momentum")]
    [InlineData("--optimizer adamw --nesterov", "--nesterov")]
    [InlineData("--beta1 0.8", "--beta1")]
    [InlineData("--model softmax --dropout 0.5", "--dropout")]
    public void An_option_the_run_would_ignore_is_a_usage_error(string options, string named)
    {
        CliRun.Of(["train", "--data", "blobs", "--epochs", "1", "--quiet", .. options.Split(' ')]).AssertOneLineUsageError(named);
    }

    [Fact]
    public void Divergence_stops_with_exit_code_3_names_epoch_and_step_and_keeps_the_last_good_checkpoint()
    {
        var outDir = Path.Combine(_dir.Path, "diverging");

        // lr 3e36 keeps logistic regression on blobs finite for two epochs (exploding, so warned about) and overflows in the third.
        var run = CliRun.Of("train", "--data", "blobs", "--model", "logistic", "--lr", "3e36", "--epochs", "6", "--device", "cpu", "--quiet", "--out", outDir);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("diverged at epoch 3, step", run.Stderr);
        Assert.Contains("lower --lr", run.Stderr);
        Assert.Contains("warning: the run is exploding at epoch 1", run.Stdout);
        var resume = RunCheckpoints.LoadForResume(outDir)!;
        Assert.Equal(2, resume.Last.Epoch);
        Assert.Equal(2, resume.Optimizer.State.Epoch);
    }

    [Fact]
    public void An_extreme_value_in_the_test_file_is_blamed_on_that_row_not_on_the_learning_rate()
    {
        var outDir = Path.Combine(_dir.Path, "extreme");
        var rows = Enumerable.Range(0, 200).Select(i => $"{i % 2},{(i % 2) * 2 + i * 0.001},{1 - i % 2}").ToList();
        var train = _dir.WriteText("train.csv", string.Join("\n", rows) + "\n");
        var testRows = rows.Take(10).ToList();
        testRows[7] = "1,3e38,3e38";
        var test = _dir.WriteText("test.csv", string.Join("\n", testRows) + "\n");

        var run = CliRun.Of("train", "--data", train, "--test-data", test, "--hidden", "16", "--epochs", "3", "--device", "cpu", "--quiet", "--out", outDir);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("row 7 of the test split", run.Stderr);
        Assert.Contains("training is healthy", run.Stderr);
        Assert.DoesNotContain("--lr", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.True(File.Exists(Path.Combine(outDir, "run.json")));
    }

    /// <summary>An --out directory holding a finished run's files.</summary>
    private string PreviousRun()
    {
        var outDir = Path.Combine(_dir.Path, "previous-run");
        var run = CliRun.Of("train", "--data", "blobs", "--model", "logistic", "--epochs", "2", "--out", outDir);
        Assert.True(run.ExitCode == 0, run.ToString());
        return outDir;
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))))!;

    public void Dispose() => _dir.Dispose();
}
