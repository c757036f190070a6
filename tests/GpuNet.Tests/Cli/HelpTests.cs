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

    [Fact]
    public void Train_help_names_every_optimiser_and_the_seeded_test_split()
    {
        var help = string.Join(" ", CliRun.Of("train", "--help").Stdout.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

        Assert.DoesNotContain("with minibatch SGD", help);
        Assert.DoesNotContain("SGD learning rate", help);
        Assert.Contains("minibatch gradient descent (SGD, Adam or AdamW)", help);
        Assert.Contains("--lr <lr> Learning rate of the optimiser (sgd, adam, adamw)", help);
        Assert.DoesNotContain("last --test-fraction", help);
        Assert.Contains("drawn by a shuffle seeded with --seed", help);
    }
}
