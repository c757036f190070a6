using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>
/// predict and eval at the edges of what they can compute: features whose outputs overflow float32 are refused (they
/// printed NaN probabilities and counted the row as class 0), and a loss that is not finite is JSON null in eval --json
/// (the JSON writer threw on it).
/// </summary>
public sealed class InferenceEdgeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _model;

    public InferenceEdgeTests()
    {
        // Logits ±(x0 + x1): finite features near float32's limit overflow them, whatever the order of the sums.
        var spec = ModelSpec.Create(ModelKind.Softmax, inputs: 2, classes: 2);
        NamedTensor[] parameters = [new("layers.0.weight", [2, 2], [1f, 1f, -1f, -1f]), new("layers.0.bias", [2], [0f, 0f])];
        _model = Path.Combine(_dir.Path, "model.safetensors");
        new ModelCheckpoint(spec, parameters, Preprocessing.None, ["a", "b"], epoch: 1, step: 1).Save(_model);
    }

    [Fact]
    public void Predict_refuses_a_row_whose_outputs_overflow_float32()
    {
        string input = _dir.WriteText("x.csv", "1,2\n3.0e38,3.0e38\n");

        var run = CliRun.Of("predict", "--checkpoint", _model, "--input", input, "--device", "cpu");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.True(run.Stderr.Contains("row 1 (0-based) gives outputs that are not finite: its largest feature has magnitude 3.00000001E+38", StringComparison.Ordinal), run.ToString());
        Assert.DoesNotContain("NaN", run.Stdout);
    }

    [Fact]
    public void Eval_refuses_a_row_whose_outputs_overflow_float32()
    {
        string data = _dir.WriteText("d.csv", "1,2,a\n3.0e38,3.0e38,b\n-1,-2,b\n");

        var run = CliRun.Of("eval", "--checkpoint", _model, "--data", data, "--label-column", "-1", "--all-rows", "--device", "cpu");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("row 1 (0-based) gives outputs that are not finite", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Eval_json_writes_a_loss_that_is_not_finite_as_null()
    {
        var checkpoint = ModelCheckpoint.Load(_model);
        var confusion = new ConfusionMatrix(2, [0, 1], [1, 1]);
        var report = new EvalCommandReport(_model, checkpoint, "d.csv all rows", "cpu", new Evaluation(2, double.PositiveInfinity, 0.5, confusion));

        using var json = JsonDocument.Parse(report.ToJson());

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("loss").ValueKind);
        Assert.Equal(0.5, json.RootElement.GetProperty("accuracy").GetDouble());
    }

    [Fact]
    public void A_batch_of_tens_of_thousands_of_classes_is_sized_in_64_bits_before_anything_is_allocated()
    {
        const int classes = 65536;
        var spec = ModelSpec.Create(ModelKind.Softmax, inputs: 1, classes: classes);
        NamedTensor[] parameters = [new("layers.0.weight", [classes, 1], new float[classes]), new("layers.0.bias", [classes], new float[classes])];
        var checkpoint = new ModelCheckpoint(spec, parameters, Preprocessing.None, Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray(), epoch: 1, step: 1);
        using var backend = TestDevices.Open("cpu");

        var error = Assert.Throws<DataException>(() => new Classifier(backend, checkpoint, batchSize: 40000));

        Assert.Contains("a batch of 40000 rows × 65536 outputs is 2,621,440,000 values, more than one array holds", error.Message);
    }

    public void Dispose() => _dir.Dispose();
}
