using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>
/// run.json's layout (<see cref="RunJson"/>): flat snake_case keys named after the options, only what applies to the
/// run, floats as given, read back to the same request; and run directories written by the first layout still resume.
/// </summary>
public sealed class RunJsonTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>run.json as gpunet wrote it before this layout (commit 3925565), verbatim but for the folder.</summary>
    private const string FirstLayout = """
{
  "Data": {
    "Source": "xor",
    "DataDir": null,
    "TestData": null,
    "Labels": null,
    "TestLabels": null,
    "Samples": 200,
    "Classes": null,
    "Noise": null,
    "Seed": 0,
    "LabelColumn": 0,
    "Header": null,
    "TestFraction": 0.2,
    "ClassNames": null,
    "MapAbove": null
  },
  "Model": "mlp",
  "Hidden": [
    8
  ],
  "Activation": "relu",
  "Init": "auto",
  "Train": {
    "Epochs": 1,
    "BatchSize": 128,
    "LearningRate": 0.3,
    "Momentum": 0.9,
    "WeightDecay": 0,
    "Nesterov": false,
    "Optimizer": "sgd",
    "Beta1": 0.9,
    "Beta2": 0.999,
    "Eps": 1E-08,
    "Dropout": 0,
    "Shuffle": true,
    "Seed": 0,
    "EvalBatchSize": 1024,
    "Schedule": "constant",
    "StepEpochs": 30,
    "Gamma": 0.1,
    "WarmupEpochs": 0,
    "ClipNorm": 0,
    "EarlyStoppingPatience": 0,
    "ClassWeight": {
      "Balanced": false,
      "Weights": null
    },
    "ProgressInterval": "00:00:00.2500000",
    "Streaming": {
      "MemoryLimit": null,
      "ShuffleBuffer": 16,
      "ChunkRows": null
    }
  },
  "Device": "cpu",
  "OutDir": "OUT_DIR",
  "Json": false,
  "EpochsGiven": true,
  "ValFraction": 0.1,
  "Quiet": true,
  "PlotEvery": 0,
  "Resume": null,
  "InitFrom": null,
  "Overwrite": false,
  "DataFiles": [],
  "Standardize": "auto",
  "Ranks": 1,
  "DirectoryUse": "new"
}
""";

    [Theory]
    [InlineData("--data", "xor", "--lr", "0.3", "--samples", "300", "--noise", "0.25")]
    [InlineData("--data", "t.csv", "--model", "softmax", "--optimizer", "adamw", "--eps", "1e-7", "--weight-decay", "0.01", "--label-column", "-1", "--header")]
    [InlineData("--data", "fashion-mnist", "--hidden", "64,32", "--dropout", "0.2", "--lr-schedule", "step", "--lr-gamma", "0.5", "--class-weight", "1,2.5,1,1,1,1,1,1,1,1", "--no-shuffle", "--max-memory", "2G")]
    [InlineData("--data", "t.csv", "--label-column", "-1")]
    [InlineData("--data", "blobs", "--classes", "3", "--model", "logistic", "--class-weight", "balanced", "--init", "zeros", "--warmup", "1.5", "--clip-norm", "0.7", "--nesterov")]
    public void A_request_reads_back_as_written_with_every_float_exact(params string[] args)
    {
        var request = TrainArgs.Parse(args) with { DataFiles = [new DataFile("/data/t.csv", 12, new string('a', 64))] };
        string text = RunJson.Write(request);
        var back = RunJson.Read(JsonDocument.Parse(text).RootElement);

        Assert.Equal(text, RunJson.Write(back));
        Assert.Equal(request.Train.LearningRate, back.Train.LearningRate);
        Assert.Equal(request.Train.Eps, back.Train.Eps);
        Assert.Equal(request.Train.Gamma, back.Train.Gamma);
        Assert.Equal(request.Data with { }, back.Data);
        Assert.Equal(request.Train with { ClassWeight = back.Train.ClassWeight }, back.Train);
        Assert.Equal(request.Train.ClassWeight.Weights, back.Train.ClassWeight.Weights);
        Assert.Equal(request.Hidden, back.Hidden);
        Assert.Equal((request.Model, request.Activation, request.Init, request.Standardize, request.ValFraction), (back.Model, back.Activation, back.Init, back.Standardize, back.ValFraction));
        Assert.Equal((request.EpochsGiven, request.MaxAutoEpochs), (back.EpochsGiven, back.MaxAutoEpochs));
    }

    [Fact]
    public void Run_json_is_flat_snake_case_with_what_applies_and_floats_as_given()
    {
        string csv = _dir.WriteText("t.csv", string.Concat(Enumerable.Range(0, 60).Select(i => $"{i % 2},{i * 0.5},{i % 7}\n")));
        string outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of("train", "--data", csv, "--optimizer", "adam", "--lr", "0.3", "--epochs", "2", "--device", "cpu", "--out", outDir, "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());

        string text = File.ReadAllText(Path.Combine(outDir, RunManifest.FileName));
        using var json = JsonDocument.Parse(text);
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.All(keys, k => Assert.Matches("^[a-z0-9_]+$", k));
        Assert.Contains("\"lr\": 0.3,", text);
        Assert.Equal(Path.GetFullPath(csv), json.RootElement.GetProperty("data").GetString());
        foreach (var absent in new[] { "samples", "classes", "noise", "momentum", "nesterov", "lr_step", "lr_gamma", "progress_interval", "json", "quiet", "out_dir" })
            Assert.DoesNotContain(absent, keys);
        foreach (var present in new[] { "label_column", "test_fraction", "beta1", "beta2", "eps", "batch_size", "lr_schedule", "data_files" })
            Assert.Contains(present, keys);
        Assert.Equal(Path.GetFullPath(csv), json.RootElement.GetProperty("data_files")[0].GetProperty("path").GetString());
    }

    [Fact]
    public void A_run_directory_of_the_first_layout_resumes_and_trains_as_a_straight_run()
    {
        string outDir = Path.Combine(_dir.Path, "old");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, RunManifest.FileName), FirstLayout.Replace("OUT_DIR", outDir, StringComparison.Ordinal));

        // It saved no checkpoint: the resumed run starts from the beginning, with the options the old file holds.
        var resumed = CliRun.Of("train", "--resume", outDir, "--epochs", "2", "--json");
        var straight = CliRun.Of("train", "--data", "xor", "--samples", "200", "--hidden", "8", "--lr", "0.3", "--epochs", "2", "--device", "cpu", "--json");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.True(straight.ExitCode == 0, straight.ToString());
        using JsonDocument a = JsonDocument.Parse(resumed.Stdout), b = JsonDocument.Parse(straight.Stdout);
        foreach (var figure in new[] { "train_loss", "val_loss", "test_loss", "test_accuracy" })
            Assert.Equal(b.RootElement.GetProperty(figure).GetDouble(), a.RootElement.GetProperty(figure).GetDouble());
        // Extended, the run's description is written again, in the new layout.
        Assert.Contains("\"epochs\": 2,", File.ReadAllText(Path.Combine(outDir, RunManifest.FileName)));
    }

    public void Dispose() => _dir.Dispose();
}
