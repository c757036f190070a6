namespace GpuNet.Tests.Cli;

/// <summary>
/// <c>gpunet train --class-weight</c> on an imbalanced table (8% minority, weakly separated): unweighted training
/// predicts the majority almost always; balanced weights raise the minority's recall.
/// </summary>
public sealed class ClassWeightCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _train, _test;

    public ClassWeightCliTests()
    {
        double[] shares = [0.92, 0.08];
        _train = _dir.WriteText("t.csv", TabularCsv.Make(800, 1, ["common", "rare"], shares, separation: 0.35));
        _test = _dir.WriteText("v.csv", TabularCsv.Make(400, 2, ["common", "rare"], shares, separation: 0.35));
    }

    [Theory]
    [InlineData("logistic")]
    [InlineData("softmax")]
    public void Balanced_weights_raise_the_minority_recall(string model)
    {
        double none = MinorityRecall(model, "none"), balanced = MinorityRecall(model, "balanced");

        Assert.True(none < 0.2, $"unweighted minority recall {none}");
        Assert.True(balanced > none + 0.3, $"minority recall: unweighted {none}, balanced {balanced}");
    }

    /// <summary>Weights of 1 are the unweighted loss bit for bit, so the run is the same run.</summary>
    [Fact]
    public void Unit_weights_train_exactly_as_none()
    {
        Assert.Equal(Summary("softmax", "none", "unweighted"), Summary("softmax", "1,1", "unit"));
    }

    [Theory]
    [InlineData("balance")]
    [InlineData("1,0")]
    [InlineData("1,-2")]
    [InlineData("1,,2")]
    [InlineData("inf,1")]
    public void A_bad_value_is_a_usage_error_naming_the_option(string value)
    {
        var run = CliRun.Of("train", "--data", _train, "--label-column", "-1", "--device", "cpu", "--class-weight", value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--class-weight", run.Stderr);
    }

    [Theory]
    [InlineData("1e-40,1", "it would count as 0")]
    [InlineData("1e-50,1", "it would count as 0")]
    [InlineData("1,1e35", "a batch's weighted sum would overflow")]
    public void A_weight_float32_cannot_use_is_refused_naming_the_range_not_the_learning_rate(string value, string why)
    {
        var run = CliRun.Of("train", "--data", _train, "--label-column", "-1", "--device", "cpu", "--epochs", "1", "--class-weight", value);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("outside float32's usable range for a weight", run.Stderr);
        Assert.Contains(why, run.Stderr);
        Assert.DoesNotContain("--lr", run.Stderr);
    }

    [Fact]
    public void Weights_for_another_class_count_are_a_usage_error()
    {
        var run = CliRun.Of("train", "--data", _train, "--label-column", "-1", "--device", "cpu", "--epochs", "1", "--class-weight", "1,2,3");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("3 class weights for 2 classes", run.Stderr);
    }

    [Fact]
    public void Resume_keeps_the_weights_and_refuses_other_ones()
    {
        string outDir = Path.Combine(_dir.Path, "run");
        var first = CliRun.Of("train", "--data", _train, "--label-column", "-1", "--model", "softmax", "--epochs", "1", "--device", "cpu",
            "--class-weight", "1,2.5", "--out", outDir, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());

        var same = CliRun.Of("train", "--resume", outDir, "--epochs", "2", "--class-weight", "1, 2.5", "--json");
        var other = CliRun.Of("train", "--resume", outDir, "--epochs", "3", "--class-weight", "balanced");

        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Contains("class weights: 1, 2.5", same.Stderr);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("--class-weight balanced would change the run", other.Stderr);
    }

    private string Summary(string model, string weights, string name)
    {
        var run = CliRun.Of("train", "--data", _train, "--test-data", _test, "--label-column", "-1", "--model", model,
            "--epochs", "20", "--device", "cpu", "--class-weight", weights, "--json");
        Assert.True(run.ExitCode == 0, $"{name}: {run}");
        using var json = JsonDocument.Parse(run.Stdout);
        return $"{json.RootElement.GetProperty("test_loss").GetDouble():R} {json.RootElement.GetProperty("test_accuracy").GetDouble():R}";
    }

    private double MinorityRecall(string model, string weights)
    {
        string outDir = Path.Combine(_dir.Path, $"{model}-{weights}");
        var train = CliRun.Of("train", "--data", _train, "--test-data", _test, "--label-column", "-1", "--model", model,
            "--epochs", "100", "--device", "cpu", "--class-weight", weights, "--out", outDir, "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        if (weights == "balanced")
            Assert.Contains("class weights: balanced 0.5", train.Stderr); // n / (2 · count): about 0.54 for the common class, 6 for the rare
        var eval = CliRun.Of("eval", "--checkpoint", Path.Combine(outDir, "model.safetensors"), "--data", _train, "--test-data", _test,
            "--label-column", "-1", "--device", "cpu", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        using var json = JsonDocument.Parse(eval.Stdout);
        var rare = json.RootElement.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "rare");
        return rare.GetProperty("recall").GetDouble();
    }

    public void Dispose() => _dir.Dispose();
}
