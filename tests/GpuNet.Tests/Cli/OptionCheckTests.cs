using GpuNet.Cli;

namespace GpuNet.Tests.Cli;

/// <summary>
/// Checks made while the command line is read: ranges (one validator per option), the retired spelling
/// <c>--model FILE</c> of eval, predict and export, and help that needs none of a verb's required options.
/// </summary>
public sealed class OptionCheckTests
{
    [Theory]
    [InlineData("eval", "--data", "blobs")]
    [InlineData("predict", "--input", "rows.csv")]
    [InlineData("export", "--output", "model.onnx")]
    public void The_old_model_file_option_is_a_one_line_usage_error_that_names_checkpoint(string verb, string option, string value)
    {
        // The file need not exist: the command line is refused before anything is read.
        var run = CliRun.Of(verb, "--model", "runs/x/model.safetensors", option, value);

        Assert.True(run.ExitCode == ExitCodes.UsageError, run.ToString());
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"gpunet {verb}: --model is now --checkpoint", line, StringComparison.Ordinal);
        Assert.DoesNotContain("is required", line, StringComparison.Ordinal); // the missing --checkpoint is explained, not reported
    }

    /// <summary>A command line with one value out of its option's range, and the start of the error it must give.</summary>
    private static readonly (string Args, string Error)[] OutOfRange =
    [
        ("eval --checkpoint m.safetensors --data blobs --batch-size 0", "--batch-size must be at least 1 (got 0)"),
        ("predict --checkpoint m.safetensors --input rows.csv --batch-size -3", "--batch-size must be at least 1 (got -3)"),
        ("train --data blobs --val-fraction 1", "--val-fraction must be in [0, 1) (got 1)"),
        ("train --data blobs --plot-every -1", "--plot-every must be zero or more (got -1)"),
        ("train --data blobs --eps 0", "--eps must be a positive number (got 0)"),
        ("train --data blobs --lr 0", "--lr must be a positive number (got 0)"),
        ("train --data blobs --batch-size 0", "--batch-size must be at least 1 (got 0)"),
        ("train --data blobs --momentum 1", "--momentum must be in [0, 1) (got 1)"),
        ("train --data blobs --beta2 1", "--beta2 must be in [0, 1) (got 1)"),
        ("train --data blobs --dropout 1", "--dropout must be in [0, 1) (got 1)"),
        ("train --data blobs --lr-gamma 0", "--lr-gamma must be in (0, 1] (got 0)"),
        ("train --data blobs --shuffle-buffer 0", "--shuffle-buffer must be at least 1 (got 0)"),
        ("gradcheck --device cpu --rows 0", "--rows must be at least 1 (got 0)"),
        ("gradcheck --device cpu --threshold -1", "--threshold must be a positive number (got -1)"),
        ("bench --window 0", "--window must be 1 to"),
        ("convert --data rows.csv --out dir --label-column -2", "--label-column must be a column index ≥ 0, -1 for the last column, or a header name (got -2)"),
        ("selftest --device cpu", "--device cpu: selftest checks ILGPU devices"),
    ];

    [Fact]
    public void An_out_of_range_value_is_a_one_line_usage_error_naming_the_option()
    {
        foreach (var (args, error) in OutOfRange)
        {
            var words = args.Split(' ');
            var run = CliRun.Of(words);

            Assert.True(run.ExitCode == ExitCodes.UsageError, $"gpunet {args}\n{run}");
            var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1 && lines[0].StartsWith($"gpunet {words[0]}: {error}", StringComparison.Ordinal), $"gpunet {args}\n{run}");
        }
    }

    [Fact]
    public void Selftest_help_needs_no_device_and_lists_its_options()
    {
        var run = CliRun.Of("selftest", "--help");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal("", run.Stderr);
        foreach (var option in new[] { "--device", "--time", "--seconds", "--json" })
            Assert.Contains(option, run.Stdout, StringComparison.Ordinal);
    }
}
