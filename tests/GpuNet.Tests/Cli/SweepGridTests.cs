using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>The models of a sweep: products of comma lists, repeated list options, seed ranges, grid files, and the errors of bad grids.</summary>
public sealed class SweepGridTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static string Text(IReadOnlyList<SweepSetting> model) => string.Join(" ", model.Select(s => $"{s.Flag} {s.Value}"));

    [Fact]
    public void Lists_multiply_with_the_first_varying_slowest()
    {
        var models = SweepGrid.Expand([("--lr", ["0.1", "0.01"]), ("--hidden", ["64", "256,128"]), ("--seed", SweepGrid.Seeds(["0-1"]))], null);
        Assert.Equal(8, models.Count);
        Assert.Equal("--lr 0.1 --hidden 64 --seed 0", Text(models[0]));
        Assert.Equal("--lr 0.1 --hidden 64 --seed 1", Text(models[1]));
        Assert.Equal("--lr 0.1 --hidden 256,128 --seed 0", Text(models[2]));
        Assert.Equal("--lr 0.01 --hidden 256,128 --seed 1", Text(models[7]));
        Assert.Equal(["--lr", "--hidden", "--seed"], SweepGrid.Differing(models));
    }

    [Fact]
    public void Scalar_options_split_on_commas_and_list_options_repeat()
    {
        Assert.Equal(["0.1", "0.03", "0.01"], SweepGrid.Values("--lr", ["0.1,0.03", "0.01"], wholeValues: false));
        Assert.Equal(["64", "256,128"], SweepGrid.Values("--hidden", ["64", "256,128"], wholeValues: true));
        Assert.Equal(["true"], SweepGrid.Values("--nesterov", [], wholeValues: false));
        Assert.Equal(["0", "1", "2", "3", "7", "-2", "-1"], SweepGrid.Seeds(["0-3,7", "-2--1"]));
    }

    [Fact]
    public void Options_that_do_not_apply_are_left_out_and_the_models_they_made_the_same_are_trained_once()
    {
        var models = SweepGrid.Expand([("--optimizer", ["sgd", "adam"]), ("--momentum", ["0", "0.9"]), ("--beta1", ["0.9", "0.8"])], null);
        Assert.Equal(["--optimizer sgd --momentum 0", "--optimizer sgd --momentum 0.9", "--optimizer adam --beta1 0.9", "--optimizer adam --beta1 0.8"], models.Select(Text));
        var nesterov = SweepGrid.Expand([("--momentum", ["0", "0.9"]), ("--nesterov", ["false", "true"])], null);
        Assert.Equal(["--momentum 0", "--momentum 0.9 --nesterov false", "--momentum 0.9 --nesterov true"], nesterov.Select(Text));
        var linear = SweepGrid.Expand([("--model", ["softmax", "mlp"]), ("--hidden", ["8", "16"])], null);
        Assert.Equal(["--model softmax", "--model mlp --hidden 8", "--model mlp --hidden 16"], linear.Select(Text));
    }

    [Fact]
    public void A_grid_file_gives_rows_that_are_crossed_with_the_lists()
    {
        string csv = _dir.WriteText("grid.csv", "lr,--hidden,optimizer\n0.1,\"256,128\",sgd\n0.001,,adam\n");
        var rows = SweepGridFile.Read(csv);
        Assert.Equal(["--lr 0.1 --hidden 256,128 --optimizer sgd", "--lr 0.001 --optimizer adam"], rows.Select(Text));
        string json = _dir.WriteText("grid.json", """[{"lr": 0.1, "hidden": [256, 128], "nesterov": true, "momentum": 0.9}, {"lr": "1e-3", "optimizer": "adam", "seeds": 4}]""");
        Assert.Equal(["--lr 0.1 --hidden 256,128 --nesterov true --momentum 0.9", "--lr 1e-3 --optimizer adam --seed 4"], SweepGridFile.Read(json).Select(Text));
        var crossed = SweepGrid.Expand([("--seed", ["0", "1"])], rows);
        Assert.Equal(4, crossed.Count);
        Assert.Equal("--lr 0.001 --optimizer adam --seed 1", Text(crossed[3]));
    }

    [Theory]
    [InlineData("--seeds", "3-1", "runs backwards")]
    [InlineData("--seeds", "0-x", "'x' is not an integer")]
    [InlineData("--lr", "0.1,,0.2", "an empty value")]
    [InlineData("--lr", "0.1,0.1", "lists 0.1 twice")]
    [InlineData("--lr", "-1,0.1", "model 000 (--lr -1)")]
    [InlineData("--dropout", "0.5,1.5", "model 001 (--dropout 1.5)")]
    [InlineData("--optimizer", "sgd,rmsprop", "model 001 (--optimizer rmsprop)")]
    [InlineData("--seeds", "0-5000", "more than 4096 seeds")]
    public void A_bad_list_is_a_one_line_usage_error_naming_it(string option, string value, string message) =>
        CliRun.Of("sweep", "--data", "blobs", "--samples", "100", "--device", "cpu", "--out", "unused-sweep-dir", option, value).AssertOneLineUsageError(message);

    [Fact]
    public void Bad_grid_files_and_bad_combinations_are_one_line_errors()
    {
        string[] sweep = ["sweep", "--data", "blobs", "--samples", "100", "--device", "cpu", "--out", Path.Combine(_dir.Path, "never")];
        CliRun.Of([.. sweep, "--grid", _dir.WriteText("a.csv", "lr,batch-size\n0.1,32\n")]).AssertOneLineUsageError("'batch-size' is not an option a model may vary");
        CliRun.Of([.. sweep, "--grid", _dir.WriteText("b.csv", "lr\n")]).AssertOneLineUsageError("no models");
        CliRun.Of([.. sweep, "--grid", _dir.WriteText("c.json", """{"lr": 0.1}""")]).AssertOneLineUsageError("expected an array of objects");
        CliRun.Of([.. sweep, "--grid", _dir.WriteText("d.csv", "lr\n0.1\n"), "--lr", "0.2"]).AssertOneLineUsageError("--lr is both a column of --grid and a list");
        CliRun.Of([.. sweep, "--lr", "0.1,0.2", "--lr-step", "1,2,3", "--seeds", "0-1000"]).AssertOneLineUsageError("a sweep takes at most 4096");
        CliRun.Of("sweep", "--data", "blobs", "--lr", "0.1").AssertOneLineUsageError("sweep needs --out DIR");
        CliRun.Of("sweep", "--resume", _dir.Path, "--lr", "0.1").AssertOneLineUsageError("only --device and --quiet may be given");

        CliRun.Of([.. sweep, "--classes", "3", "--class-weight", "none", "--class-weight", "1,5"]).AssertOneLineUsageError("model 001 (--class-weight 1,5): 2 class weights for 3 classes");
        CliRun.Of([.. sweep, "--early-stopping", "0,2", "--val-fraction", "0"]).AssertOneLineUsageError("model 001 (--early-stopping 2): --early-stopping needs a validation split");

        var missing = CliRun.Of([.. sweep, "--grid", Path.Combine(_dir.Path, "absent.csv")]);
        Assert.True(missing.ExitCode == 1 && missing.Stderr.Contains("no such file", StringComparison.Ordinal), missing.ToString());
        var broken = CliRun.Of([.. sweep, "--grid", _dir.WriteText("e.json", "[{\"lr\": ")]);
        Assert.True(broken.ExitCode == 1 && broken.Stderr.Contains("not valid JSON", StringComparison.Ordinal), broken.ToString());
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "never")));
    }

    public void Dispose() => _dir.Dispose();
}
