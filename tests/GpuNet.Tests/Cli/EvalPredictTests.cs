using System.Globalization;
using System.Text;
using GpuNet.Tests.Checkpoints;
using GpuNet.Tests.Data;

namespace GpuNet.Tests.Cli;

/// <summary><c>gpunet eval</c> and <c>gpunet predict</c> on checkpoints of a model trained through the library.</summary>
public sealed class EvalPredictTests : IDisposable
{
    private static readonly DataOptions Blobs = new() { Source = "blobs", Classes = 3, Seed = 3 };
    private static readonly string[] BlobsArgs = ["--data", "blobs", "--classes", "3", "--seed", "3"];

    private readonly TempDirectory _dir = new();
    private readonly DataSplit _split = DataSources.Load(Blobs);
    private readonly string _model;
    private readonly EpochMetrics _lastEpoch;

    public EvalPredictTests()
    {
        // Softmax on three blobs, a few epochs, as `gpunet train` would run it; then saved as a checkpoint.
        var spec = ModelSpec.Create(ModelKind.Softmax, _split.Train.FeatureCount, _split.Train.ClassCount);
        var options = new TrainOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.05f, Seed = 1 };
        using var backend = TestDevices.Open("cpu");
        using var network = new Network(backend, spec, Trainer.NetworkRows(options));
        network.Initialise(InitScheme.Auto, options.Seed);
        using var trainer = new Trainer(backend, network, _split, options);
        _lastEpoch = trainer.Fit().History[^1];
        _model = Path.Combine(_dir.Path, "model.safetensors");
        ModelCheckpoint.FromNetwork(network, Preprocessing.None, ["north", "west", "south"], 3, 3 * trainer.StepsPerEpoch).Save(_model);
    }

    [Fact]
    public void Eval_reproduces_the_test_figures_of_the_training_run()
    {
        var run = CliRun.Of(["eval", "--checkpoint", _model, .. BlobsArgs, "--device", "cpu", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(_split.Test.Count, root.GetProperty("rows").GetInt32());
        Assert.Equal(_lastEpoch.Test.Accuracy, root.GetProperty("accuracy").GetDouble());
        Assert.Equal(_lastEpoch.Test.Loss, root.GetProperty("loss").GetDouble(), 1e-9);
        var matrix = root.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt64()).ToArray()).ToArray();
        Assert.Equal(_split.Test.Count, matrix.Sum(r => r.Sum()));
        Assert.Equal(_lastEpoch.Test.Accuracy, (double)Enumerable.Range(0, 3).Sum(i => matrix[i][i]) / _split.Test.Count, 12);
        var classes = root.GetProperty("classes").EnumerateArray().ToArray();
        Assert.Equal(["north", "west", "south"], classes.Select(c => c.GetProperty("name").GetString()));
        for (int c = 0; c < 3; c++)
        {
            long support = matrix[c].Sum(), predicted = matrix.Sum(r => r[c]);
            Assert.Equal(support, classes[c].GetProperty("support").GetInt64());
            Assert.Equal((double)matrix[c][c] / support, classes[c].GetProperty("recall").GetDouble(), 12);
            Assert.Equal((double)matrix[c][c] / predicted, classes[c].GetProperty("precision").GetDouble(), 12);
        }
    }

    [Fact]
    public void Eval_prints_the_figures_and_tables_for_a_person()
    {
        var run = CliRun.Of(["eval", "--checkpoint", _model, .. BlobsArgs, "--device", "cpu"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string accuracy = _lastEpoch.Test.Accuracy.ToString("0.00%", CultureInfo.InvariantCulture);
        Assert.Contains($"accuracy {accuracy}", run.Stdout);
        foreach (var text in new[] { "precision", "recall", "support", "confusion matrix", "0 north", "2 south", "softmax 2-3" })
            Assert.Contains(text, run.Stdout);
        Assert.Contains("device: cpu", run.Stderr);
    }

    [Fact]
    public void Eval_on_every_row_of_a_csv_matches_eval_on_the_same_rows_by_name()
    {
        string csv = _dir.WriteText("test.csv", Csv(_split.Test, withLabels: true, header: "label,x,y"));

        var byName = CliRun.Of(["eval", "--checkpoint", _model, .. BlobsArgs, "--device", "cpu", "--json"]);
        var byFile = CliRun.Of("eval", "--checkpoint", _model, "--data", csv, "--all-rows", "--device", "cpu", "--json");

        Assert.True(byFile.ExitCode == 0, byFile.ToString());
        using var a = JsonDocument.Parse(byName.Stdout);
        using var b = JsonDocument.Parse(byFile.Stdout);
        Assert.Equal(a.RootElement.GetProperty("accuracy").GetDouble(), b.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(a.RootElement.GetProperty("confusion_matrix").GetRawText(), b.RootElement.GetProperty("confusion_matrix").GetRawText());
    }

    [Fact]
    public void Data_unlike_the_model_is_a_usage_error_naming_both()
    {
        string wide = _dir.WriteText("wide.csv", "0,1,2,3\n1,4,5,6\n2,7,8,9\n");

        var width = CliRun.Of("eval", "--checkpoint", _model, "--data", wide, "--all-rows", "--device", "cpu");
        var classes = CliRun.Of("eval", "--checkpoint", _model, "--data", "blobs", "--classes", "4", "--device", "cpu");

        Assert.Equal(2, width.ExitCode);
        Assert.Contains($"--data {wide} has 3 features per row, but the model in {_model} (softmax 2-3) expects 2", width.Stderr);
        Assert.Equal(2, classes.ExitCode);
        Assert.Contains("--data blobs has 4 classes, but the model", classes.Stderr);
        Assert.Contains("has 3", classes.Stderr);
    }

    [Fact]
    public void A_corrupted_model_file_is_a_data_error()
    {
        byte[] bytes = File.ReadAllBytes(_model);
        bytes[^5] ^= 1;
        string damaged = _dir.Write("damaged.safetensors", bytes);

        var run = CliRun.Of(["eval", "--checkpoint", damaged, .. BlobsArgs, "--device", "cpu"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"gpunet: {damaged}: checksum mismatch: the file is corrupted", run.Stderr.Trim());
    }

    [Fact]
    public void Predict_writes_one_row_per_input_whose_probabilities_sum_to_one()
    {
        string input = _dir.WriteText("features.csv", Csv(_split.Test, withLabels: false, header: "x,y"));

        var run = CliRun.Of("predict", "--checkpoint", _model, "--input", input, "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = ParsePredictions(run.Stdout, Directions);
        Assert.Equal(_split.Test.Count, rows.Length);
        int correct = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            var (index, label, probabilities) = rows[i];
            Assert.Equal(i, index);
            Assert.Equal(1.0, probabilities.Sum(), 1e-5);
            Assert.Equal(Array.IndexOf(probabilities, probabilities.Max()), label);
            if (label == _split.Test.Labels[i]) correct++;
        }
        Assert.Equal(_lastEpoch.Test.Accuracy, (double)correct / rows.Length, 12);
    }

    [Fact]
    public void Predict_with_output_writes_the_file_and_keeps_stdout_clean()
    {
        string input = _dir.WriteText("features.csv", Csv(_split.Test, withLabels: false, header: null));
        string output = Path.Combine(_dir.Path, "out", "predictions.csv");

        var run = CliRun.Of("predict", "--checkpoint", _model, "--input", input, "--output", output, "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains($"wrote {_split.Test.Count} predictions to {output}", run.Stderr);
        Assert.Equal(_split.Test.Count, ParsePredictions(File.ReadAllText(output), Directions).Length);
    }

    [Fact]
    public void Logistic_predictions_have_both_class_probabilities()
    {
        var spec = ModelSpec.Create(ModelKind.Logistic, 2, 2);
        string model = Path.Combine(_dir.Path, "logistic.safetensors");
        new ModelCheckpoint(spec, CheckpointSamples.Parameters(spec, 4), Preprocessing.None, ["no", "yes"], 1, 10).Save(model);
        string input = _dir.WriteText("points.csv", "1,2\n-3,0.5\n0,0\n");

        var run = CliRun.Of("predict", "--checkpoint", model, "--input", input, "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("index,label,prob_no,prob_yes\n", run.Stdout.ReplaceLineEndings("\n"));
        foreach (var (_, label, p) in ParsePredictions(run.Stdout, ["no", "yes"]))
        {
            Assert.Equal(1.0, p[0] + p[1], 1e-6);
            Assert.Equal(p[1] > 0.5 ? 1 : 0, label);
        }
    }

    [Fact]
    public void Idx_images_get_the_checkpoints_preprocessing_like_the_same_pixels_as_csv()
    {
        // A model of 2×2 images trained on IDX data: features are bytes / 255.
        string model = Path.Combine(_dir.Path, "images.safetensors");
        CheckpointSamples.Mlp(preprocessing: Preprocessing.ScaleBytes).Save(model);
        string idx = _dir.Write("images-idx3-ubyte", IdxTestFiles.Images(6, 2, 2));
        byte[] pixels = IdxTestFiles.ImagePixels(6, 4);
        string csv = _dir.WriteText("pixels.csv", string.Join("\n", pixels.Chunk(4).Select(p => string.Join(",", p))) + "\n");

        var fromIdx = CliRun.Of("predict", "--checkpoint", model, "--input", idx, "--device", "cpu");
        var fromCsv = CliRun.Of("predict", "--checkpoint", model, "--input", csv, "--device", "cpu");

        Assert.True(fromIdx.ExitCode == 0, fromIdx.ToString());
        Assert.Equal(fromCsv.Stdout, fromIdx.Stdout);
        var lines = fromIdx.Stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("index,label,prob_cat,\"prob_dog, \"\"big\"\"\",prob_émeu", lines[0]); // RFC 4180 quoting of a name with a comma and quotes
        Assert.Equal(7, lines.Length);
    }

    [Fact]
    public void Predict_input_with_a_label_column_is_a_usage_error_with_a_hint()
    {
        string labelled = _dir.WriteText("labelled.csv", Csv(_split.Test, withLabels: true, header: null));

        var run = CliRun.Of("predict", "--checkpoint", _model, "--input", labelled, "--device", "cpu");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("has 3 features per row, but the model", run.Stderr);
        Assert.Contains("label column", run.Stderr);
    }

    private static string Csv(Dataset data, bool withLabels, string? header)
    {
        var text = new StringBuilder();
        if (header is not null) text.Append(header).Append('\n');
        for (int r = 0; r < data.Count; r++)
        {
            var cells = data.Floats!.AsSpan(r * data.FeatureCount, data.FeatureCount).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture));
            if (withLabels) cells = cells.Prepend(data.Labels[r].ToString(CultureInfo.InvariantCulture));
            text.Append(string.Join(",", cells)).Append('\n');
        }
        return text.ToString();
    }

    private static readonly string[] Directions = ["north", "west", "south"];

    /// <summary>Rows of index, predicted class (as an index into <paramref name="names"/>) and probabilities; the header must name every class.</summary>
    private static (int Index, int Label, double[] Probabilities)[] ParsePredictions(string csv, string[] names)
    {
        var lines = csv.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("index,label" + string.Concat(names.Select(n => $",prob_{n}")), lines[0]);
        return lines[1..].Select(line =>
        {
            var cells = line.Split(',');
            Assert.Equal(2 + names.Length, cells.Length);
            return (int.Parse(cells[0], CultureInfo.InvariantCulture), Array.IndexOf(names, cells[1]),
                cells[2..].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray());
        }).ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
