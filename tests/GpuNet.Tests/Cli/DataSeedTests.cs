using System.Text.Json.Nodes;
using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>
/// train's --data-seed seeds the data (synthetic set, splits, shuffle order) apart from --seed (initialisation and
/// dropout). Its default is --seed, so a run without it is the run it always was; a resumed run keeps it.
/// </summary>
public sealed class DataSeedTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Train(string name, params string[] extra)
    {
        string outDir = Path.Combine(_dir.Path, name);
        var run = CliRun.Of(["train", "--data", "blobs", "--samples", "300", "--batch-size", "32", "--epochs", "2", "--device", "cpu", "--quiet", "--out", outDir, .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return outDir;
    }

    private static byte[] Weights(string dir) => File.ReadAllBytes(Path.Combine(dir, RunCheckpoints.LastFile));

    [Fact]
    public void The_default_data_seed_is_the_seed()
    {
        var plain = Train("plain", "--seed", "3", "--hidden", "16", "--dropout", "0.2");
        var same = Train("same", "--seed", "3", "--hidden", "16", "--dropout", "0.2", "--data-seed", "3");
        var other = Train("other", "--seed", "3", "--hidden", "16", "--dropout", "0.2", "--data-seed", "4");
        Assert.Equal(Weights(plain), Weights(same));
        Assert.NotEqual(Weights(plain), Weights(other));
    }

    [Fact]
    public void With_a_data_seed_the_seed_no_longer_moves_the_data()
    {
        // Zero-initialised softmax has no randomness but the data's: with the data seed fixed, the seed changes nothing.
        string[] softmax = ["--model", "softmax", "--init", "zeros"];
        Assert.Equal(Weights(Train("a", [.. softmax, "--seed", "1", "--data-seed", "7"])), Weights(Train("b", [.. softmax, "--seed", "2", "--data-seed", "7"])));
        Assert.NotEqual(Weights(Train("c", [.. softmax, "--seed", "1"])), Weights(Train("d", [.. softmax, "--seed", "2"])));
    }

    [Fact]
    public void A_resumed_run_keeps_its_seed_and_its_data_seed()
    {
        // Dropout draws its masks from --seed, the data from --data-seed: a resumed run that mixed them up draws other masks.
        string[] options = ["--hidden", "16", "--dropout", "0.2", "--seed", "1", "--data-seed", "7"];
        var straight = Train("straight", options);
        string resumed = Path.Combine(_dir.Path, "resumed");
        var first = CliRun.Of(["train", "--data", "blobs", "--samples", "300", "--batch-size", "32", "--epochs", "1", "--device", "cpu", "--quiet", "--out", resumed, .. options]);
        Assert.True(first.ExitCode == 0, first.ToString());
        var second = CliRun.Of("train", "--resume", resumed, "--epochs", "2", "--seed", "1", "--data-seed", "7", "--quiet");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(Weights(straight), Weights(resumed));
        var summaryOptions = JsonNode.Parse(File.ReadAllText(Path.Combine(resumed, RunSaver.SummaryFile)))![SummaryJson.OptionsKey]!;
        Assert.Equal(1, summaryOptions["seed"]!.GetValue<int>());
        Assert.Equal(7, summaryOptions["data_seed"]!.GetValue<int>());
        CliRun.Of("train", "--resume", resumed, "--data-seed", "8").AssertOneLineUsageError("--data-seed 8 would change the run");
        CliRun.Of("train", "--resume", resumed, "--seed", "7").AssertOneLineUsageError("--seed 7 would change the run");
    }

    [Fact]
    public void A_run_json_without_data_seed_reads_its_seed_as_both()
    {
        // run.json files written before data_seed have one seed, which seeded both the data and the model.
        string[] options = ["--hidden", "16", "--dropout", "0.2", "--seed", "5"];
        string dir = Train("old", options);
        var runJson = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, RunManifest.FileName)))!.AsObject();
        Assert.False(runJson.ContainsKey("data_seed"));
        var request = RunJson.Read(JsonDocument.Parse(runJson.ToJsonString()).RootElement);
        Assert.Equal(5, request.Train.Seed);
        Assert.Null(request.Train.DataSeed);
        Assert.Equal(5, request.Data.Seed);
    }

    public void Dispose() => _dir.Dispose();
}
