namespace GpuNet.Tests.Cli;

/// <summary>Every verb prints its usage for --help, and exits 0.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("predict")]
    [InlineData("export")]
    [InlineData("convert")]
    [InlineData("gradcheck")]
    [InlineData("bench")]
    [InlineData("devices")]
    [InlineData("selftest")]
    [InlineData("ptx")]
    [InlineData("sweep")]
    public void Help_prints_the_usage(string verb)
    {
        var run = CliRun.Of(verb, "--help");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Usage:", run.Stdout); // in-process the root is the test host, so "… {verb} [options]"
        Assert.Contains($" {verb} [options]", run.Stdout);
    }
}
