namespace GpuNet.Tests.Cli;

/// <summary>
/// --max-memory and --shuffle-buffer decide whether a training set streams and how its rows mix, so on --resume they
/// are checked like every other option that shapes the run: they were silently ignored.
/// </summary>
public sealed class ResumeStreamingOptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("--max-memory", "500M", "--max-memory 524288000 would change the run")]
    [InlineData("--shuffle-buffer", "4", "--shuffle-buffer 4 would change the run")]
    public void A_streaming_option_that_differs_from_the_run_is_a_usage_error(string option, string value, string fragment)
    {
        string outDir = PreviousRun();

        var run = CliRun.Of("train", "--resume", outDir, "--epochs", "2", option, value);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(fragment, run.Stderr);
    }

    [Fact]
    public void The_saved_streaming_values_may_be_given_again()
    {
        string outDir = PreviousRun("--shuffle-buffer", "4");

        var run = CliRun.Of("train", "--resume", outDir, "--epochs", "2", "--shuffle-buffer", "4", "--quiet");

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private string PreviousRun(params string[] more)
    {
        string outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of(["train", "--data", "blobs", "--model", "logistic", "--epochs", "1", "--device", "cpu", "--quiet", "--out", outDir, .. more]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return outDir;
    }

    public void Dispose() => _dir.Dispose();
}
