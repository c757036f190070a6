using System.Globalization;
using System.Text;
using GpuNet.Cli;

namespace GpuNet.Tests.Cli;

/// <summary>
/// CSV columns by name through <c>train</c>, <c>predict</c> and <c>eval</c>: the label, id and ignored columns by
/// header name, the feature names a checkpoint stores, and input files matched to them by name in any order.
/// </summary>
public sealed class ColumnsByNameCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _table;

    public ColumnsByNameCliTests()
    {
        // Customers: an id, three measurements on different scales, and the tier they decide (the label, not column 0).
        var text = new StringBuilder("cust,a,b,c,tier\n");
        for (int i = 0; i < 120; i++)
        {
            double a = i * 37 % 101 / 10.0, b = i * 53 % 97 * 7.0, c = i * 71 % 89 / 3.0;
            text.Append(CultureInfo.InvariantCulture, $"id{i},{a},{b},{c},{(a - b / 70 + c / 6 > 5 ? "gold" : "silver")}\n");
        }
        _table = _dir.WriteText("customers.csv", text.ToString());
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The table with its columns in <paramref name="order"/> (names of the original header).</summary>
    private string Reordered(string name, params string[] order)
    {
        var lines = File.ReadAllLines(_table).Select(l => l.Split(',')).ToArray();
        var index = order.Select(n => Array.IndexOf(lines[0], n)).ToArray();
        return _dir.WriteText(name, string.Join("\n", lines.Select(cells => string.Join(",", index.Select(i => cells[i])))) + "\n");
    }

    private string Train(params string[] extra)
    {
        string outDir = Path.Combine(_dir.Path, "run");
        var run = CliRun.Of(["train", "--data", _table, "--label-column", "tier", "--model", "softmax", "--epochs", "5", "--device", "cpu",
            "--quiet", "--out", outDir, "--overwrite", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return Path.Combine(outDir, "model.safetensors");
    }

    private static string Predict(string model, string input, params string[] extra)
    {
        var run = CliRun.Of(["predict", "--checkpoint", model, "--input", input, "--device", "cpu", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout;
    }

    [Fact]
    public void The_label_and_id_by_name_are_no_features_and_the_checkpoint_stores_the_feature_names()
    {
        string model = Train("--id-column", "cust");

        var checkpoint = ModelCheckpoint.Load(model);
        Assert.Equal(3, checkpoint.Spec.Inputs);
        Assert.Equal(["a", "b", "c"], checkpoint.Columns!.Features);
        Assert.Equal(["cust", "tier"], checkpoint.Columns.Skipped);
        Assert.Equal(["gold", "silver"], checkpoint.ClassNames);
        Assert.Contains("\"label_column\": \"tier\"", File.ReadAllText(Path.Combine(_dir.Path, "run", "run.json")));
    }

    [Fact]
    public void Columns_in_another_order_predict_the_same_and_the_label_column_may_stay()
    {
        string model = Train("--id-column", "cust");
        string original = Predict(model, _table); // still holds cust and tier: both skipped
        string shuffled = Predict(model, Reordered("shuffled.csv", "c", "a", "b"));

        Assert.Equal(original, shuffled);
        Assert.Equal(121, original.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void The_id_column_is_the_first_column_of_the_predictions()
    {
        string model = Train("--id-column", "cust");

        var lines = Predict(model, Reordered("ids.csv", "b", "c", "a", "cust"), "--id-column", "cust").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("cust,index,label,prob_gold,prob_silver", lines[0]);
        Assert.StartsWith("id0,0,", lines[1]);
        Assert.StartsWith("id119,119,", lines[^1]);
    }

    [Fact]
    public void Missing_and_unknown_columns_are_refused_in_one_line_naming_them()
    {
        string model = Train("--id-column", "cust");
        string input = _dir.WriteText("bad.csv", "a,b,colour\n1,2,3\n");

        var run = CliRun.Of("predict", "--checkpoint", model, "--input", input, "--device", "cpu");

        Assert.Equal(ExitCodes.RuntimeError, run.ExitCode);
        Assert.Equal($"gpunet: {input}: the header's columns do not match the model's features: missing \"c\"; unknown \"colour\"", run.Stderr.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void Eval_matches_the_columns_by_name()
    {
        string model = Train("--ignore-columns", "cust");
        string[] eval = ["eval", "--checkpoint", model, "--label-column", "tier", "--all-rows", "--device", "cpu", "--json"];

        var original = CliRun.Of([.. eval, "--data", _table]);
        var shuffled = CliRun.Of([.. eval, "--data", Reordered("shuffled.csv", "tier", "b", "cust", "c", "a")]);

        Assert.True(original.ExitCode == 0, original.ToString());
        Assert.True(shuffled.ExitCode == 0, shuffled.ToString());
        using var a = JsonDocument.Parse(original.Stdout);
        using var b = JsonDocument.Parse(shuffled.Stdout);
        Assert.Equal(a.RootElement.GetProperty("accuracy").GetDouble(), b.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(a.RootElement.GetProperty("loss").GetDouble(), b.RootElement.GetProperty("loss").GetDouble());
    }

    [Fact]
    public void An_old_checkpoint_without_names_still_predicts_by_position()
    {
        string model = Train("--ignore-columns", "cust");
        var named = ModelCheckpoint.Load(model);
        string old = Path.Combine(_dir.Path, "old.safetensors");
        new ModelCheckpoint(named.Spec, named.Parameters, named.Preprocessing, named.ClassNames, named.Epoch, named.Step, named.Extra, named.Standardization).Save(old);
        Assert.Null(ModelCheckpoint.Load(old).Columns);

        string positional = _dir.WriteText("positional.csv", string.Join("\n", File.ReadAllLines(Reordered("abc.csv", "a", "b", "c"))
            .Select((l, i) => i == 0 ? "x,y,z" : l)) + "\n");
        Assert.Equal(Predict(model, Reordered("features.csv", "a", "b", "c")), Predict(old, positional));
        // By position, as before names: another order is other features.
        Assert.NotEqual(Predict(model, Reordered("cab.csv", "c", "a", "b")), Predict(old, Reordered("cab2.csv", "c", "a", "b")));
    }

    [Fact]
    public void A_run_with_named_columns_resumes_from_its_run_json()
    {
        string model = Train("--id-column", "cust", "--ignore-columns", "b");
        string dir = Path.GetDirectoryName(model)!;

        var resumed = CliRun.Of("train", "--resume", dir, "--epochs", "6", "--device", "cpu", "--quiet");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(6, ModelCheckpoint.Load(model).Epoch);
        Assert.Equal(["a", "c"], ModelCheckpoint.Load(model).Columns!.Features);
    }

    [Fact]
    public void Ignored_columns_by_name_or_index_are_no_features()
    {
        string model = Train("--ignore-columns", "cust,2");

        var checkpoint = ModelCheckpoint.Load(model);
        Assert.Equal(["a", "c"], checkpoint.Columns!.Features);
        Assert.Equal(["cust", "b", "tier"], checkpoint.Columns.Skipped);
    }

    [Fact]
    public void An_id_column_taken_for_the_label_suggests_the_label_column_by_name()
    {
        var run = CliRun.Of("train", "--data", _table, "--device", "cpu", "--epochs", "1");

        Assert.Equal(ExitCodes.RuntimeError, run.ExitCode);
        Assert.Equal($"gpunet: {_table}: the label column \"cust\" holds a different name on each of its 120 rows, as an id column does: "
            + "name the label with --label-column, and drop the id with --id-column or --ignore-columns", run.Stderr.Trim());
    }

    [Fact]
    public void A_label_name_not_in_the_header_lists_the_header()
    {
        var run = CliRun.Of("train", "--data", _table, "--label-column", "level", "--device", "cpu", "--epochs", "1");

        Assert.Equal(ExitCodes.RuntimeError, run.ExitCode);
        Assert.Equal($"gpunet: {_table}: label column \"level\" is not a column; the header has \"cust\", \"a\", \"b\", \"c\", \"tier\"", run.Stderr.Trim());
    }
}
