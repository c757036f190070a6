using System.Globalization;
using System.Text;
using GpuNet.Cli;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GpuNet.Tests.Cli;

/// <summary>
/// Categorical features and missing cells through <c>train</c>, <c>predict</c>, <c>eval</c> and <c>export</c>: a text column
/// one-hot encoded, an integer-coded one by --categorical, --impute's fills, an unseen category, and the ONNX graph that
/// takes the raw columns and answers as predict does in ONNX Runtime.
/// </summary>
public sealed class CategoricalCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _table;

    public CategoricalCliTests()
    {
        // The label is (colour is red) xor (grade is 10): neither column alone tells it. Grade is an integer code (10 must sort
        // after 2); size is noise with gaps; one colour in 17 is missing.
        var text = new StringBuilder("colour,size,grade,label\n");
        string[] colours = ["red", "green", "blue"];
        int[] grades = [1, 2, 10];
        for (int i = 0; i < 240; i++)
        {
            string colour = colours[i % 3], size = i % 13 == 0 ? "" : (i * 37 % 101 / 10.0).ToString(CultureInfo.InvariantCulture);
            int grade = grades[i / 3 % 3];
            bool yes = (colour == "red") ^ (grade == 10);
            text.Append(CultureInfo.InvariantCulture, $"{(i % 17 == 0 ? "NA" : colour)},{size},{grade},{(yes ? "yes" : "no")}\n");
        }
        _table = _dir.WriteText("shop.csv", text.ToString());
    }

    public void Dispose() => _dir.Dispose();

    private string Train(params string[] extra)
    {
        string outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of(["train", "--data", _table, "--label-column", "label", "--model", "mlp", "--hidden", "8", "--optimizer", "adam",
            "--lr", "0.02", "--epochs", "30", "--device", "cpu", "--quiet", "--out", outDir, "--overwrite", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return Path.Combine(outDir, "model.safetensors");
    }

    private static string Predict(string model, string input)
    {
        var run = CliRun.Of("predict", "--checkpoint", model, "--input", input, "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout;
    }

    [Fact]
    public void A_text_column_and_a_categorical_code_are_one_hot_inputs_named_in_the_checkpoint()
    {
        var checkpoint = ModelCheckpoint.Load(Train("--impute", "median", "--categorical", "grade"));

        Assert.Equal(7, checkpoint.Spec.Inputs);
        Assert.Equal(["colour", "size", "grade"], checkpoint.Columns!.Features); // what predict matches by name
        var encoding = checkpoint.Encoding!;
        Assert.Equal(["blue", "green", "red"], encoding.Columns[0].Categories!);
        Assert.Equal(["1", "2", "10"], encoding.Columns[2].Categories!); // by value, as scikit-learn sorts a numeric column
        Assert.Equal(["colour=blue", "colour=green", "colour=red", "size", "grade=1", "grade=2", "grade=10"], encoding.InputNames());
        Assert.Equal(ImputeStrategy.Median, encoding.Impute);
        // The one-hot inputs stay 0 and 1: the z-score leaves them be.
        Assert.Equal([0f, 0f, 0f], checkpoint.Standardization!.Mean.Take(3));
        Assert.Equal([1f, 1f, 1f], checkpoint.Standardization.Scale.Take(3));
        string runJson = File.ReadAllText(Path.Combine(_dir.Path, "run", "run.json"));
        Assert.Contains("\"impute\": \"median\"", runJson);
        Assert.Contains("\"categorical\": [", runJson);
    }

    [Fact]
    public void Eval_scores_the_encoded_model_on_its_test_split_and_on_all_rows()
    {
        string model = Train("--impute", "most-frequent", "--categorical", "grade");

        foreach (string[] rows in new[] { Array.Empty<string>(), ["--all-rows"] })
        {
            var run = CliRun.Of(["eval", "--checkpoint", model, "--data", _table, "--label-column", "label", "--device", "cpu", "--json", .. rows]);

            Assert.True(run.ExitCode == 0, run.ToString());
            using var report = System.Text.Json.JsonDocument.Parse(run.Stdout);
            double accuracy = report.RootElement.GetProperty("accuracy").GetDouble();
            Assert.True(accuracy > 0.85, $"accuracy {accuracy}: the encoded colour and grade decide the label");
        }
    }

    [Fact]
    public void An_unseen_category_is_all_zeros_and_a_missing_cell_takes_the_fill()
    {
        string model = Train("--impute", "mean", "--categorical", "grade");
        // Columns in another order; purple and orange were never seen, so both rows encode alike, unlike red.
        string input = _dir.WriteText("new.csv", "grade,size,colour\n2,3,purple\n2,3,orange\n2,3,red\n2,,red\n2,NA,\n2,5.1,NA\n");

        var lines = Predict(model, input).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..].Select(l => l.Split(',')).ToArray();

        Assert.Equal(6, lines.Length);
        Assert.All(lines, l => Assert.Equal(1.0, l[2..].Sum(p => double.Parse(p, CultureInfo.InvariantCulture)), 1e-5));
        Assert.Equal(lines[0][2..], lines[1][2..]);
        Assert.NotEqual(lines[0][2..], lines[2][2..]);
        var checkpoint = ModelCheckpoint.Load(model);
        var table = CsvReader.Read(input, checkpoint.ReadFormat(CsvFormat.FeaturesOnly()));
        float[] inputs = checkpoint.Encode(table);
        float mean = checkpoint.Encoding!.Columns[1].FillValue;
        Assert.Equal([0f, 0f, 0f, 3f, 0f, 1f, 0f], inputs[..7]); // purple: no colour
        Assert.Equal([0f, 0f, 1f, mean, 0f, 1f, 0f], inputs[21..28]); // the missing size takes the training rows' mean
        string mostFrequent = checkpoint.Encoding.Columns[0].Fill!;
        Assert.Equal(1f, inputs[28 + Array.IndexOf(["blue", "green", "red"], mostFrequent)]); // a missing colour, the most frequent one
    }

    [Fact]
    public void A_missing_cell_without_impute_is_one_line_naming_file_line_and_column()
    {
        var run = CliRun.Of("train", "--data", _table, "--label-column", "label", "--device", "cpu", "--epochs", "1");

        Assert.Equal(ExitCodes.RuntimeError, run.ExitCode);
        Assert.Equal($"gpunet: {_table}: line 2, column 1 (\"colour\"): missing value \"NA\"; pass --impute mean, median or most-frequent to fill missing values",
            run.Stderr.Trim());
    }

    [Fact]
    public void Predict_refuses_a_missing_cell_for_a_model_without_an_imputer()
    {
        string clean = _dir.WriteText("clean.csv", string.Join("\n", File.ReadAllLines(_table).Where(l => !l.Contains(",,", StringComparison.Ordinal) && !l.StartsWith("NA", StringComparison.Ordinal))) + "\n");
        string outDir = Path.Combine(_dir.Path, "clean");
        Assert.Equal(0, CliRun.Of("train", "--data", clean, "--label-column", "label", "--epochs", "2", "--device", "cpu", "--out", outDir).ExitCode);
        string input = _dir.WriteText("gap.csv", "colour,size,grade\nred,,1\n");

        var run = CliRun.Of("predict", "--checkpoint", Path.Combine(outDir, "model.safetensors"), "--input", input, "--device", "cpu");

        Assert.Equal(ExitCodes.RuntimeError, run.ExitCode);
        Assert.Equal($"gpunet: {input}: line 2, column 2 (\"size\"): missing value (an empty cell); pass --impute mean, median or most-frequent to fill missing values",
            run.Stderr.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void The_onnx_graph_takes_the_raw_columns_and_answers_as_predict_does()
    {
        string model = Train("--impute", "median", "--categorical", "grade");
        string[] colours = ["red", "green", "blue", "purple", "", "NA", "red", "blue"];
        float[] sizes = [1.5f, float.NaN, 7f, 3f, 2.2f, 9.9f, float.NaN, 0f];
        string[] grades = ["1", "2", "10", "2", "1", "7", "10", ""];
        string input = _dir.WriteText("raw.csv", "colour,size,grade\n" + string.Concat(colours.Select((c, r) =>
            $"{c},{(float.IsNaN(sizes[r]) ? "" : sizes[r].ToString("R", CultureInfo.InvariantCulture))},{grades[r]}\n")));
        var expected = Predict(model, input).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..].Select(l => l.Split(',')).ToArray();
        string onnx = Path.Combine(_dir.Path, "model.onnx");
        var export = CliRun.Of("export", "--checkpoint", model, "--output", onnx);
        Assert.True(export.ExitCode == 0, export.ToString());

        using var session = new InferenceSession(onnx);
        Assert.Equal(["colour", "size", "grade"], session.InputMetadata.Keys);
        int n = colours.Length;
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("colour", new DenseTensor<string>(colours, [n, 1])),
            NamedOnnxValue.CreateFromTensor("size", new DenseTensor<float>(sizes, [n, 1])),
            NamedOnnxValue.CreateFromTensor("grade", new DenseTensor<string>(grades, [n, 1])),
        ]);
        float[] probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();
        long[] labels = results.Single(r => r.Name == "label").AsTensor<long>().ToArray();
        for (int r = 0; r < n; r++)
        {
            Assert.Equal(expected[r][1], labels[r] == 0 ? "no" : "yes");
            for (int c = 0; c < 2; c++)
                Assert.Equal(float.Parse(expected[r][2 + c], CultureInfo.InvariantCulture), probabilities[r * 2 + c], 1e-5);
        }
        Assert.True(probabilities.Max() - probabilities.Min() > 0.5, "the rows should be told apart, or the comparison is weak");
    }

    [Fact]
    public void Categorical_and_impute_are_refused_for_data_without_cells()
    {
        var run = CliRun.Of("train", "--data", "blobs", "--impute", "mean", "--device", "cpu", "--epochs", "1");

        run.AssertOneLineUsageError("--impute applies only to CSV files, not to 'blobs'");
    }

    [Fact]
    public void A_categorical_column_that_is_the_label_is_refused()
    {
        var run = CliRun.Of("train", "--data", _table, "--label-column", "label", "--categorical", "label", "--impute", "mean", "--device", "cpu", "--epochs", "1");

        Assert.Equal(ExitCodes.RuntimeError, run.ExitCode);
        Assert.Equal($"gpunet: {_table}: categorical column \"label\" is not a feature (it is the label, the id or an ignored column)", run.Stderr.Trim());
    }
}
