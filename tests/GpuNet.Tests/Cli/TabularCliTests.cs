namespace GpuNet.Tests.Cli;

/// <summary>
/// <c>gpunet train</c>, <c>eval</c> and <c>predict</c> on tables of raw measurements (<see cref="TabularCsv"/>):
/// standardisation, named labels, the whole way from a CSV to a prediction.
/// </summary>
public sealed class TabularCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Table(string name, int rows, int seed, params string[] classes) =>
        _dir.WriteText(name, TabularCsv.Make(rows, seed, classes));

    /// <summary>Softmax trained on a 400-row table (label last) with a 150-row test table, both of <paramref name="classes"/>; the tables, the run and its model file.</summary>
    private (string Train, string Test, CliRun Run, string Model) TrainSoftmax(int seed, int epochs, params string[] classes)
    {
        string train = Table("t.csv", 400, seed, classes), test = Table("v.csv", 150, seed + 1, classes);
        string outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of("train", "--data", train, "--test-data", test, "--label-column", "-1", "--model", "softmax",
            "--device", "cpu", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", outDir, "--json");
        return (train, test, run, Path.Combine(outDir, "model.safetensors"));
    }

    private static double TestAccuracy(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var summary = JsonDocument.Parse(run.Stdout);
        return summary.RootElement.GetProperty("test_accuracy").GetDouble();
    }

    [Fact]
    public void Unscaled_sgd_fails_on_wildly_scaled_features_and_the_default_standardisation_succeeds()
    {
        string train = Table("t.csv", 500, 1, "0", "1"), test = Table("v.csv", 200, 2, "0", "1");
        string[] common = ["train", "--data", train, "--test-data", test, "--label-column", "-1", "--model", "logistic", "--device", "cpu", "--json"];

        var raw = CliRun.Of([.. common, "--standardize", "off"]);
        var standardized = CliRun.Of(common);

        Assert.True(TestAccuracy(raw) < 0.8, raw.ToString());
        Assert.Contains("not standardized (--standardize off); warning: feature scales differ by a factor of", raw.Stderr);
        Assert.True(TestAccuracy(standardized) >= 0.9, standardized.ToString());
        Assert.Contains("standardized (z-score fitted on the 450 training rows; --standardize auto: on for CSV and .npy files)", standardized.Stderr);
    }

    [Fact]
    public void Images_scaled_by_255_are_not_warned_about_scales_but_the_same_raw_values_in_a_csv_are()
    {
        // 400 images of 1x2: pixel 0 is 1 in one image and 0 elsewhere (σ 0.05 bytes, a border pixel), pixel 1 varies over 0..255 (σ ≈ 74).
        const int count = 400;
        var pixels = new byte[2 * count];
        pixels[0] = 1;
        for (int n = 0; n < count; n++) pixels[2 * n + 1] = (byte)(n * 37 % 256);
        var labels = Enumerable.Range(0, count).Select(n => (byte)(pixels[2 * n + 1] >= 128 ? 1 : 0)).ToArray();
        _dir.Write("idx/train-images-idx3-ubyte", Data.IdxTestFiles.Build([count, 1, 2], pixels));
        _dir.Write("idx/train-labels-idx1-ubyte", Data.IdxTestFiles.Build([count], labels));
        _dir.Write("idx/t10k-images-idx3-ubyte", Data.IdxTestFiles.Build([count, 1, 2], pixels));
        _dir.Write("idx/t10k-labels-idx1-ubyte", Data.IdxTestFiles.Build([count], labels));
        string csv = _dir.WriteText("raw.csv", string.Concat(Enumerable.Range(0, count).Select(n => $"{labels[n]},{pixels[2 * n]},{pixels[2 * n + 1]}\n")));

        var images = CliRun.Of("train", "--data", "fashion-mnist", "--data-dir", Path.Combine(_dir.Path, "idx"), "--val-fraction", "0", "--model", "softmax", "--epochs", "1", "--device", "cpu", "--quiet");
        var table = CliRun.Of("train", "--data", csv, "--val-fraction", "0", "--model", "softmax", "--epochs", "1", "--device", "cpu", "--quiet", "--standardize", "off");

        Assert.True(images.ExitCode == 0, images.ToString());
        Assert.Contains("features: pixels x/255, not standardized (--standardize auto: off for IDX images and synthetic sets)\n", images.Stdout);
        Assert.DoesNotContain("warning", images.Stdout + images.Stderr);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("features: raw values, not standardized (--standardize off); warning: feature scales differ by a factor of", table.Stdout);
    }

    [Fact]
    public void The_checkpoint_carries_the_training_split_standardisation_and_eval_and_predict_apply_it()
    {
        var (train, test, run, model) = TrainSoftmax(seed: 3, epochs: 30, "0", "1", "2");
        double trained = TestAccuracy(run);

        // Fitted on the 360 training rows left after the validation split, never on the validation or test rows.
        var checkpoint = ModelCheckpoint.Load(model);
        Assert.NotNull(checkpoint.Standardization);
        Assert.Equal(TabularCsv.Scales.Length, checkpoint.Standardization.FeatureCount);
        for (int j = 0; j < TabularCsv.Scales.Length; j++)
        {
            Assert.InRange(checkpoint.Standardization.Mean[j] / TabularCsv.Scales[j], 3.5, 4.5);
            Assert.InRange(checkpoint.Standardization.Scale[j] / TabularCsv.Scales[j], 0.8, 1.6);
        }

        var eval = CliRun.Of("eval", "--checkpoint", model, "--data", train, "--test-data", test, "--label-column", "-1", "--device", "cpu", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        using var report = JsonDocument.Parse(eval.Stdout);
        Assert.Equal(trained, report.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal("v.csv test file", report.RootElement.GetProperty("data").GetString()); // the file scored, not the training file

        // predict reads raw features (the test file without its label column) and must agree with eval's accuracy.
        var lines = File.ReadAllLines(test);
        var labels = lines.Skip(1).Select(l => l[(l.LastIndexOf(',') + 1)..]).ToArray();
        string features = _dir.WriteText("features.csv", string.Join("\n", lines.Select(l => l[..l.LastIndexOf(',')])) + "\n");
        var predict = CliRun.Of("predict", "--checkpoint", model, "--input", features, "--device", "cpu");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var predicted = predict.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[1]).ToArray();
        Assert.Equal(labels.Length, predicted.Length);
        Assert.Equal(trained, (double)labels.Zip(predicted).Count(p => p.First == p.Second) / labels.Length, 12);
    }

    [Fact]
    public void Text_labels_train_and_eval_and_predict_show_the_class_names()
    {
        var (train, test, run, model) = TrainSoftmax(seed: 5, epochs: 20, "versicolor", "setosa", "virginica");
        Assert.True(TestAccuracy(run) >= 0.85, run.ToString());
        Assert.Equal(["setosa", "versicolor", "virginica"], ModelCheckpoint.Load(model).ClassNames); // sorted, as LabelEncoder

        var eval = CliRun.Of("eval", "--checkpoint", model, "--data", train, "--test-data", test, "--label-column", "-1", "--device", "cpu");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Contains("2 virginica", eval.Stdout);
        Assert.Contains("setosa", eval.Stdout);

        string features = _dir.WriteText("features.csv", "\"f0\",f1,f2,f3,f4,f5,f6,f7\n" + string.Join("\n", File.ReadLines(test).Skip(1).Select(l => l[..l.LastIndexOf(',')])) + "\n");
        var predict = CliRun.Of("predict", "--checkpoint", model, "--input", features, "--device", "cpu");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var lines = predict.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("index,label,prob_setosa,prob_versicolor,prob_virginica", lines[0]);
        var truth = File.ReadLines(test).Skip(1).Select(l => l[(l.LastIndexOf(',') + 1)..]).ToArray();
        var predicted = lines.Skip(1).Select(l => l.Split(',')[1]).ToArray();
        Assert.True(truth.Zip(predicted).Count(p => p.First == p.Second) >= 0.85 * truth.Length);
    }

    [Fact]
    public void A_test_file_with_a_class_the_training_file_lacks_is_a_one_line_data_error()
    {
        string train = Table("t.csv", 100, 7, "cat", "dog"), test = Table("v.csv", 50, 8, "cat", "dog", "emu");
        var run = CliRun.Of("train", "--data", train, "--test-data", test, "--label-column", "-1", "--device", "cpu", "--epochs", "1");
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"^gpunet: .*v\.csv: line \d+, column 9: label ""emu"" is not one of the 2 classes \(""cat"", ""dog""\)\n$", run.Stderr.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void A_quoted_csv_as_pandas_writes_it_trains()
    {
        // Quoted header names with separators and a line break, quoted class names with commas and doubled quotes.
        var rows = TabularCsv.Make(300, 9, ["0", "1"]).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l[..l.LastIndexOf(',')] + (l.EndsWith(",0", StringComparison.Ordinal) ? ",\"small, round\"" : ",\"the \"\"big\"\" one\""));
        string path = _dir.WriteText("quoted.csv", "\"x,coord\",\"y\ncoord\",f2,f3,f4,f5,f6,f7,\"class\"\n" + string.Join("\n", rows) + "\n");

        string outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of("train", "--data", path, "--label-column", "-1", "--model", "softmax", "--device", "cpu", "--epochs", "20", "--out", outDir, "--json");

        Assert.True(TestAccuracy(run) >= 0.85, run.ToString());
        Assert.Contains("216 train / 24 validation / 60 test rows, 8 features, 2 classes", run.Stderr);
        Assert.Equal(["small, round", "the \"big\" one"], ModelCheckpoint.Load(Path.Combine(outDir, "model.safetensors")).ClassNames);
    }

    [Fact]
    public void A_plain_pytorch_state_dict_round_trips_through_nn_sequential_keys_into_eval_predict_and_init_from()
    {
        string[] blobs = ["--data", "blobs", "--classes", "3", "--seed", "2"];
        string outDir = Path.Combine(_dir.Path, "run");
        Assert.Equal(0, CliRun.Of(["train", .. blobs, "--hidden", "8", "--activation", "tanh", "--epochs", "5", "--device", "cpu", "--out", outDir, "--quiet"]).ExitCode);
        string model = Path.Combine(outDir, "model.safetensors");

        // What a PyTorch user's nn.Sequential(Linear, Tanh, Linear) saves: keys 0.* and 2.*, float64 here, no metadata.
        var sequential = ModelCheckpoint.Load(model).Parameters.Select(t => t with { Name = t.Name.Replace("layers.0.", "0.", StringComparison.Ordinal).Replace("layers.1.", "2.", StringComparison.Ordinal) });
        string plain = _dir.Write("torch.safetensors", Checkpoints.StateDictFiles.Plain(sequential, "F64"));

        var evalGpunet = CliRun.Of(["eval", "--checkpoint", model, .. blobs, "--device", "cpu", "--json"]);
        var evalPlain = CliRun.Of(["eval", "--checkpoint", plain, "--activation", "tanh", .. blobs, "--device", "cpu", "--json"]);
        Assert.True(evalPlain.ExitCode == 0, evalPlain.ToString());
        Assert.Contains("is a plain state dict: mlp 2-8-3 tanh inferred from its shapes", evalPlain.Stderr);
        Assert.Contains("converted", evalPlain.Stderr);
        using (var a = JsonDocument.Parse(evalGpunet.Stdout))
        using (var b = JsonDocument.Parse(evalPlain.Stdout))
            Assert.Equal(a.RootElement.GetProperty("confusion_matrix").GetRawText(), b.RootElement.GetProperty("confusion_matrix").GetRawText());

        string points = _dir.WriteText("points.csv", "0.5,1\n-2,3\n4,-1\n");
        var predictGpunet = CliRun.Of("predict", "--checkpoint", model, "--input", points, "--device", "cpu");
        var predictPlain = CliRun.Of("predict", "--checkpoint", plain, "--activation", "tanh", "--input", points, "--device", "cpu");
        Assert.True(predictPlain.ExitCode == 0, predictPlain.ToString());
        Assert.Equal(predictGpunet.Stdout.Split('\n').Skip(1).Select(l => l.Split(',').Skip(2)), predictPlain.Stdout.Split('\n').Skip(1).Select(l => l.Split(',').Skip(2)));

        var init = CliRun.Of(["train", .. blobs, "--hidden", "8", "--activation", "tanh", "--epochs", "1", "--device", "cpu", "--init-from", plain, "--json"]);
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.True(TestAccuracy(init) >= 0.9, init.ToString()); // starts from the trained weights, not from scratch
    }

    public void Dispose() => _dir.Dispose();
}
