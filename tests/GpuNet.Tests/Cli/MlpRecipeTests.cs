using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>
/// The recipe of an MLP (<see cref="MlpRecipe"/>, <see cref="MlpDefaults"/>): on a CSV or .npy file trained without
/// options, scikit-learn's MLPClassifier defaults; on images, its optimiser and batch size; every option named keeps its
/// value, naming any optimiser option keeps the general optimiser; synthetic sets and linear models keep their recipe;
/// run.json records the values chosen and --resume trains on with them.
/// </summary>
public sealed class MlpRecipeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("t.csv")]
    [InlineData("dir/x.npy")]
    [InlineData("-")]
    public void A_table_trained_without_options_gets_the_table_recipe(string source)
    {
        var r = TrainArgs.Parse("--data", source);
        Assert.Equal((OptimizerKind.Adam, 1e-3f, 1e-4f, 200), (r.Train.Optimizer, r.Train.LearningRate, r.Train.WeightDecay, r.Train.BatchSize));
        Assert.Equal((InitScheme.Xavier, 0.0, 200, false), (r.Init, r.ValFraction, r.MaxAutoEpochs, r.EpochsGiven));
        Assert.Equal(0, r.Train.EarlyStoppingPatience);
    }

    [Theory]
    [InlineData("xor", "mlp")]
    [InlineData("blobs", "mlp")]
    [InlineData("t.csv", "softmax")]
    [InlineData("t.csv", "logistic")]
    [InlineData("fashion-mnist", "softmax")]
    public void Synthetic_sets_and_linear_models_keep_the_general_recipe(string source, string model)
    {
        var r = TrainArgs.Parse("--data", source, "--model", model);
        float lr = source is "xor" or "blobs" ? 0.1f : 0.01f;
        Assert.Equal((OptimizerKind.Sgd, lr, 0.9f, 0f, 128), (r.Train.Optimizer, r.Train.LearningRate, r.Train.Momentum, r.Train.WeightDecay, r.Train.BatchSize));
        Assert.Equal((InitScheme.Auto, 0.1, TrainOptions.MaxAutoEpochs), (r.Init, r.ValFraction, r.MaxAutoEpochs));
        Assert.Null(MlpRecipe.Describe(r));
    }

    /// <summary>Images take the optimiser and the batch size; they keep He, their validation split and their epoch count.</summary>
    [Theory]
    [InlineData("fashion-mnist")]
    [InlineData("mnist")]
    public void An_mlp_on_images_takes_the_recipes_optimiser_and_batch_size(string source)
    {
        var r = TrainArgs.Parse("--data", source);
        Assert.Equal((OptimizerKind.Adam, 1e-3f, 1e-4f, 200), (r.Train.Optimizer, r.Train.LearningRate, r.Train.WeightDecay, r.Train.BatchSize));
        Assert.Equal((InitScheme.Auto, 0.1, TrainOptions.MaxAutoEpochs), (r.Init, r.ValFraction, r.MaxAutoEpochs));
        Assert.Equal("defaults of an MLP on images (scikit-learn's MLPClassifier recipe; options you name win): --optimizer adam --lr 0.001 --weight-decay 0.0001, --batch-size 200",
            MlpRecipe.Describe(r));
        // ./run.sh's recipe names its optimiser and batch size: it trains as it did.
        var runSh = TrainArgs.Parse("--data", source, "--batch-size", "128", "--lr", "0.05", "--momentum", "0.9", "--lr-schedule", "cosine");
        Assert.Equal((OptimizerKind.Sgd, 0.05f, 0f, 128), (runSh.Train.Optimizer, runSh.Train.LearningRate, runSh.Train.WeightDecay, runSh.Train.BatchSize));
        Assert.Null(MlpRecipe.Describe(runSh));
    }

    /// <summary>Each optimiser option named alone: its value, and the general defaults for the rest of the optimiser.</summary>
    [Theory]
    [InlineData("--lr", "0.05", OptimizerKind.Sgd, 0.05f, 0f)]
    [InlineData("--optimizer", "adam", OptimizerKind.Adam, 0.01f, 0f)]
    [InlineData("--optimizer", "sgd", OptimizerKind.Sgd, 0.01f, 0f)]
    [InlineData("--weight-decay", "0.003", OptimizerKind.Sgd, 0.01f, 0.003f)]
    [InlineData("--momentum", "0.5", OptimizerKind.Sgd, 0.01f, 0f)]
    [InlineData("--nesterov", null, OptimizerKind.Sgd, 0.01f, 0f)]
    [InlineData("--beta1", "0.8", OptimizerKind.Sgd, 0.01f, 0f)]
    [InlineData("--beta2", "0.99", OptimizerKind.Sgd, 0.01f, 0f)]
    [InlineData("--eps", "1e-6", OptimizerKind.Sgd, 0.01f, 0f)]
    public void Naming_an_optimiser_option_keeps_the_general_optimiser(string option, string? value, OptimizerKind optimizer, float lr, float weightDecay)
    {
        var r = TrainArgs.Parse(value is null ? ["--data", "t.csv", option] : ["--data", "t.csv", option, value]);
        Assert.Equal((optimizer, lr, weightDecay), (r.Train.Optimizer, r.Train.LearningRate, r.Train.WeightDecay));
        // The recipe's other parts still apply.
        Assert.Equal((200, InitScheme.Xavier, 0.0), (r.Train.BatchSize, r.Init, r.ValFraction));
        Assert.Contains(MlpRecipe.OptimizerOptions, o => o == option);
    }

    [Fact]
    public void Options_named_on_a_table_keep_their_values()
    {
        var r = TrainArgs.Parse("--data", "t.csv", "--batch-size", "64", "--init", "he", "--val-fraction", "0.2", "--epochs", "7", "--optimizer", "adamw", "--lr", "0.02", "--weight-decay", "0.05");
        Assert.Equal((OptimizerKind.AdamW, 0.02f, 0.05f, 64, 7), (r.Train.Optimizer, r.Train.LearningRate, r.Train.WeightDecay, r.Train.BatchSize, r.Train.Epochs));
        Assert.Equal((InitScheme.He, 0.2, true), (r.Init, r.ValFraction, r.EpochsGiven));
        Assert.Null(MlpRecipe.Describe(r));
        // --init auto, named, is auto (He for relu): the table's Xavier is only for a command line without --init.
        Assert.Equal(InitScheme.Auto, TrainArgs.Parse("--data", "t.csv", "--init", "auto").Init);
    }

    [Fact]
    public void Early_stopping_on_a_table_keeps_the_validation_split_it_watches()
    {
        Assert.Equal(0.1, TrainArgs.Parse("--data", "t.csv", "--early-stopping", "5").ValFraction);
        Assert.Equal(0.0, TrainArgs.Parse("--data", "t.csv", "--early-stopping", "0").ValFraction);
        Assert.Equal(0.3, TrainArgs.Parse("--data", "t.csv", "--early-stopping", "5", "--val-fraction", "0.3").ValFraction);
    }

    [Fact]
    public void A_table_counts_at_most_200_epochs_and_other_data_1000()
    {
        // 150 rows are one batch of 200 (or two of 128): 2000 steps would be 2000 (1000) epochs.
        Assert.Equal(200, TrainArgs.Parse("--data", "t.csv").ResolveEpochs(150).Epochs);
        Assert.Equal(1000, TrainArgs.Parse("--data", "xor").ResolveEpochs(150).Epochs);
        // 4,000 rows are 20 batches of 200: 100 epochs make 2000 steps, under the cap.
        Assert.Equal(100, TrainArgs.Parse("--data", "t.csv").ResolveEpochs(4000).Epochs);
        Assert.Equal(10, TrainArgs.Parse("--data", "fashion-mnist").ResolveEpochs(54000).Epochs);
    }

    [Fact]
    public void The_header_names_the_table_defaults_taken()
    {
        Assert.Equal("defaults of an MLP on a table (scikit-learn's MLPClassifier recipe; options you name win): --optimizer adam --lr 0.001 --weight-decay 0.0001, --batch-size 200, --init xavier, --val-fraction 0, at most 200 epochs",
            MlpRecipe.Describe(TrainArgs.Parse("--data", "t.csv")));
        Assert.Equal("defaults of an MLP on a table (scikit-learn's MLPClassifier recipe; options you name win): --batch-size 200",
            MlpRecipe.Describe(TrainArgs.Parse("--data", "t.csv", "--lr", "0.1", "--init", "he", "--epochs", "3", "--early-stopping", "2")));
    }

    private string Table()
    {
        var rows = Enumerable.Range(0, 90).Select(i => $"{(i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c")},{i % 3 * 2 + (i % 7) * 0.3},{(i % 5) * 100.0 + i % 3 * 150}");
        return _dir.WriteText("t.csv", "label,x,y\n" + string.Join("\n", rows) + "\n");
    }

    [Fact]
    public void Run_json_records_the_table_recipe_and_resume_trains_on_with_it()
    {
        string csv = Table();
        string outDir = Path.Combine(_dir.Path, "run");
        var first = CliRun.Of("train", "--data", csv, "--epochs", "2", "--device", "cpu", "--out", outDir, "--quiet");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("defaults of an MLP on a table (scikit-learn's MLPClassifier recipe; options you name win): --optimizer adam", first.Stdout);
        Assert.Contains("Adam lr 0.001 (constant) betas (0.9, 0.999) eps 1E-08 weight decay 0.0001, batch 200, 2 epochs", first.Stdout);

        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, RunManifest.FileName))))
        {
            var root = json.RootElement;
            Assert.Equal("adam", root.GetProperty("optimizer").GetString());
            Assert.Equal(0.001, root.GetProperty("lr").GetDouble());
            Assert.Equal(0.0001, root.GetProperty("weight_decay").GetDouble());
            Assert.Equal(200, root.GetProperty("batch_size").GetInt32());
            Assert.Equal("xavier", root.GetProperty("init").GetString());
            Assert.Equal(0, root.GetProperty("val_fraction").GetDouble());
        }

        // Extended by --resume, the run goes on with the recorded recipe: the same bytes as a straight run of 4 epochs.
        var resumed = CliRun.Of("train", "--resume", outDir, "--epochs", "4", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        string straight = Path.Combine(_dir.Path, "straight");
        var run = CliRun.Of("train", "--data", csv, "--epochs", "4", "--device", "cpu", "--out", straight, "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, RunCheckpoints.LastFile)), File.ReadAllBytes(Path.Combine(outDir, RunCheckpoints.LastFile)));
    }

    [Fact]
    public void A_table_run_without_epochs_stops_at_the_table_cap_and_records_it()
    {
        string csv = Table();
        string outDir = Path.Combine(_dir.Path, "auto");
        var run = CliRun.Of("train", "--data", csv, "--device", "cpu", "--out", outDir, "--json", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var summary = JsonDocument.Parse(run.Stdout);
        // 72 training rows (a fifth held out for testing) are one batch: 2000 steps would be 2000 epochs; the table stops at 200.
        Assert.Equal(200, summary.RootElement.GetProperty("epochs").GetInt32());
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, RunManifest.FileName)));
        Assert.Equal(200, json.RootElement.GetProperty("max_auto_epochs").GetInt32());
    }

    [Fact]
    public void A_run_json_without_the_cap_resumes_with_the_general_one()
    {
        var saved = RunJson.Read(JsonDocument.Parse("""{"format": 2, "data": "/data/t.csv", "model": "mlp", "epochs_given": false, "device": "cpu"}""").RootElement);
        Assert.Equal(TrainOptions.MaxAutoEpochs, saved.MaxAutoEpochs);
        Assert.Equal(1000, saved.ResolveEpochs(150).Epochs);
    }

    [Fact]
    public void A_sweep_on_a_table_keeps_a_validation_split_to_rank_its_models()
    {
        string csv = Table();
        string dir = Path.Combine(_dir.Path, "sweep");
        var run = CliRun.Of("sweep", "--data", csv, "--epochs", "2", "--hidden", "4", "--hidden", "8", "--device", "cpu", "--out", dir, "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var sweep = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "sweep.json")));
        foreach (var model in sweep.RootElement.GetProperty("models").EnumerateArray())
        {
            string[] args = model.GetProperty("train_args").EnumerateArray().Select(a => a.GetString()!).ToArray();
            Assert.Equal("0.1", args[Array.IndexOf(args, "--val-fraction") + 1]);
        }
        Assert.Contains("best: model", run.Stdout);
    }

    public void Dispose() => _dir.Dispose();
}
