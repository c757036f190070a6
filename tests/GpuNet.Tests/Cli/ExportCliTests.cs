using System.Globalization;
using GpuNet.Tests.Checkpoints;
using GpuNet.Tests.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GpuNet.Tests.Cli;

/// <summary>
/// <c>gpunet export</c>: the ONNX file, run in ONNX Runtime on the raw values predict reads, gives predict's
/// probabilities (within 1e-5) and labels, for every model kind and activation and for both recorded preprocessings.
/// </summary>
public sealed class ExportCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<string, string> Kinds => new()
    {
        { "logistic", "identity" },
        { "softmax", "identity" },
        { "mlp", "relu" },
        { "mlp", "sigmoid" },
        { "mlp", "tanh" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_model_kind_and_activation_runs_in_onnx_runtime_as_predict_answers(string kind, string activation)
    {
        var modelKind = Enum.Parse<ModelKind>(kind, ignoreCase: true);
        int classes = modelKind == ModelKind.Logistic ? 2 : 3;
        var spec = ModelSpec.Create(modelKind, inputs: 4, classes, modelKind == ModelKind.Mlp ? [6, 5] : [],
            Enum.Parse<Activation>(activation, ignoreCase: true));
        string[] names = classes == 2 ? ["no", "yes"] : ["cat", "dog", "emu"];
        // Weights large enough that the hidden activations leave their linear range and probabilities are far from uniform.
        var parameters = CheckpointSamples.Parameters(spec, seed: 5).Select(p => p with { Data = p.Data.Select(v => 3 * v).ToArray() }).ToArray();
        string model = Save(new ModelCheckpoint(spec, parameters, Preprocessing.None, names, 1, 1), $"{kind}-{activation}");

        AssertOnnxMatchesPredict(model, RandomRows(40, 4, seed: 9, scale: 2), 4, names);
    }

    [Fact]
    public void An_idx_model_scales_the_raw_bytes_inside_the_graph()
    {
        string model = Save(CheckpointSamples.Mlp(preprocessing: Preprocessing.ScaleBytes), "idx");
        string idx = _dir.Write("images-idx3-ubyte", IdxTestFiles.Images(6, 2, 2));
        float[] bytes = IdxTestFiles.ImagePixels(6, 4).Select(b => (float)b).ToArray();

        var predict = CliRun.Of("predict", "--checkpoint", model, "--input", idx, "--device", "cpu");

        Assert.True(predict.ExitCode == 0, predict.ToString());
        double spread = AssertMatches(Export(model), bytes, 4, predict.Stdout, ["cat", "dog, \"big\"", "émeu"]);
        Assert.True(spread > 0.1, $"largest probability spread {spread}");
    }

    /// <summary>
    /// z = ±1e-8 and 0: σ(z) rounds to ½, so (1 − p, p) ties. The graph's label follows z's sign, as predict's does;
    /// an argmax of the probabilities (the old graph) said 0 at z = +1e-8.
    /// </summary>
    [Fact]
    public void The_graphs_label_follows_predicts_logit_rule_where_the_probabilities_tie()
    {
        var spec = ModelSpec.Create(ModelKind.Logistic, 2, 2);
        var checkpoint = new ModelCheckpoint(spec, [new NamedTensor("layers.0.weight", [1, 2], [1f, 0f]), new NamedTensor("layers.0.bias", [1], [0f])],
            Preprocessing.None, ["no", "yes"], 1, 1);
        string model = Save(checkpoint, "tiny-logit");
        float[] rows = [1e-8f, 0, -1e-8f, 0, 0, 0, 3, 0];
        string onnx = AssertOnnxMatchesPredict(model, rows, 2, ["no", "yes"], strongSpread: false);

        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("features", new DenseTensor<float>(rows, [4, 2]))]);
        Assert.Equal([1L, 0L, 0L, 1L], results.Single(r => r.Name == "label").AsTensor<long>().ToArray());
    }

    [Fact]
    public void A_standardised_csv_model_with_named_classes_standardises_inside_the_graph()
    {
        string train = _dir.WriteText("t.csv", TabularCsv.Make(300, 1, ["benign", "malignant", "unclear"]));
        string outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of("train", "--data", train, "--label-column", "-1", "--model", "mlp", "--hidden", "8",
            "--activation", "tanh", "--epochs", "5", "--device", "cpu", "--out", outDir);
        Assert.True(run.ExitCode == 0, run.ToString());
        string model = Path.Combine(outDir, "model.safetensors");
        Assert.NotNull(ModelCheckpoint.Load(model).Standardization);
        // Raw measurements at the table's own scales: the graph must standardise them as predict does.
        float[] rows = RandomRows(30, TabularCsv.Scales.Length, seed: 4, scale: 1)
            .Select((v, i) => (float)(TabularCsv.Scales[i % TabularCsv.Scales.Length] * (4 + v))).ToArray();

        string onnx = AssertOnnxMatchesPredict(model, rows, TabularCsv.Scales.Length, ["benign", "malignant", "unclear"]);

        using var session = new InferenceSession(onnx);
        Assert.Equal(["benign", "malignant", "unclear"],
            JsonSerializer.Deserialize<string[]>(session.ModelMetadata.CustomMetadataMap[ModelCheckpoint.ClassNamesKey])!);
    }

    [Fact]
    public void The_graph_has_the_documented_interface()
    {
        string onnx = Export(Save(CheckpointSamples.Mlp(), "mlp"));

        using var session = new InferenceSession(onnx);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("features", input.Key);
        Assert.Equal([-1, 4], input.Value.Dimensions);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal(["probabilities", "label"], session.OutputMetadata.Keys);
        Assert.Equal([-1, 3], session.OutputMetadata["probabilities"].Dimensions);
        Assert.Equal(typeof(long), session.OutputMetadata["label"].ElementType);
        Assert.Equal([-1], session.OutputMetadata["label"].Dimensions);
    }

    [Fact]
    public void A_missing_model_is_a_data_error_and_nothing_is_written()
    {
        string output = Path.Combine(_dir.Path, "model.onnx");

        var run = CliRun.Of("export", "--checkpoint", Path.Combine(_dir.Path, "absent.safetensors"), "--output", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
        Assert.Contains("absent.safetensors", run.Stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void An_output_naming_the_model_is_a_usage_error_and_the_model_survives()
    {
        string model = Save(CheckpointSamples.Mlp(), "mlp");
        byte[] before = File.ReadAllBytes(model);

        var run = CliRun.Of("export", "--checkpoint", model, "--output", model);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is the --checkpoint file", run.Stderr);
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void An_unwritable_output_is_a_one_line_runtime_error()
    {
        string model = Save(CheckpointSamples.Mlp(), "mlp");
        // A regular file where a folder should be: no user, root included, can create a file under it.
        string blocker = _dir.WriteText("blocker", "not a folder");

        var run = CliRun.Of("export", "--checkpoint", model, "--output", Path.Combine(blocker, "model.onnx"));

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"gpunet: cannot write {Path.Combine(blocker, "model.onnx")}: ", run.Stderr);
    }

    private string Save(ModelCheckpoint checkpoint, string name)
    {
        string path = Path.Combine(_dir.Path, name + ".safetensors");
        checkpoint.Save(path);
        return path;
    }

    private static string Export(string model)
    {
        string onnx = Path.ChangeExtension(model, ".onnx");
        var run = CliRun.Of("export", "--checkpoint", model, "--output", onnx);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("ONNX opset 13", run.Stderr);
        return onnx;
    }

    /// <summary>Predicts <paramref name="rows"/> written as CSV, runs the exported graph on the same values, compares; returns the ONNX file.</summary>
    private string AssertOnnxMatchesPredict(string model, float[] rows, int features, string[] names, bool strongSpread = true)
    {
        string csv = _dir.WriteText(Path.GetFileNameWithoutExtension(model) + "-input.csv",
            string.Concat(rows.Chunk(features).Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n")));
        var predict = CliRun.Of("predict", "--checkpoint", model, "--input", csv, "--device", "cpu");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        string onnx = Export(model);
        double spread = AssertMatches(onnx, rows, features, predict.Stdout, names);
        // Probabilities near uniform everywhere would make the comparison weak.
        if (strongSpread) Assert.True(spread > 0.1, $"largest probability spread {spread}");
        return onnx;
    }

    /// <summary>Asserts ONNX Runtime's probabilities and labels are predict's; returns the largest spread of a row's probabilities.</summary>
    private static double AssertMatches(string onnx, float[] rows, int features, string predictCsv, string[] names)
    {
        var lines = predictCsv.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n')[1..];
        int n = rows.Length / features;
        Assert.Equal(n, lines.Length);
        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("features", new DenseTensor<float>(rows, [n, features]))]);
        float[] probabilities = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();
        long[] labels = results.Single(r => r.Name == "label").AsTensor<long>().ToArray();
        Assert.Equal(n * names.Length, probabilities.Length);
        double spread = 0;
        for (int r = 0; r < n; r++)
        {
            // Class names may hold commas (quoted by predict), so the probabilities are read from the right.
            var cells = lines[r].Split(',');
            var expected = cells[^names.Length..].Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            for (int c = 0; c < names.Length; c++)
                Assert.Equal(expected[c], probabilities[r * names.Length + c], 1e-5);
            Assert.Equal(Unquoted(string.Join(",", cells[1..^names.Length])), names[labels[r]]);
            spread = Math.Max(spread, expected.Max() - expected.Min());
        }
        return spread;
    }

    /// <summary>A CSV field as predict quotes it (RFC 4180), back to its text.</summary>
    private static string Unquoted(string field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : field;

    private static float[] RandomRows(int rows, int features, int seed, double scale)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * features).Select(_ => (float)(scale * (random.NextDouble() * 2 - 1))).ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
