using System.Globalization;

namespace GpuNet.Tests.Cli;

/// <summary>
/// Unstandardised features near float32's limit make the very first training loss NaN, before any update: that was
/// reported as a divergence with "try a lower --lr". The learning rate plays no part then; the data is named instead.
/// </summary>
public sealed class FirstStepOverflowTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Features_at_float32s_edge_are_named_as_the_cause_not_the_learning_rate()
    {
        var random = new Random(1);
        string csv = _dir.WriteText("edge.csv", string.Concat(Enumerable.Range(0, 200).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? -3e38 : 3e38) * random.NextDouble():E6},{random.NextDouble():F3},{i % 2}\n"))));

        // He's weights carry the features' 3e38 past float32's range; a table's default Xavier keeps this loss just finite (1.6e37).
        var run = CliRun.Of("train", "--data", csv, "--label-column", "-1", "--epochs", "1", "--device", "cpu", "--standardize", "off", "--init", "he", "--quiet");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("the training loss is not finite at the first step, before any update, so the learning rate plays no part", run.Stderr);
        Assert.Contains("E+38", run.Stderr);
        Assert.DoesNotContain("--lr", run.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
