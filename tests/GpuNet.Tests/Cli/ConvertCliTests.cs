using GpuNet.Cli;

namespace GpuNet.Tests.Cli;

/// <summary><c>gpunet convert</c>: a CSV parsed once into .npy files that train exactly as the CSV does.</summary>
public sealed class ConvertCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Converted_files_train_bit_for_bit_like_the_csv()
    {
        string csv = _dir.WriteText("t.csv", TabularCsv.Make(300, seed: 4, ["benign", "malignant"]));
        string outDir = Path.Combine(_dir.Path, "npy");
        var convert = CliRun.Of("convert", "--data", csv, "--label-column", "-1", "--out", outDir);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Equal(["benign", "malignant"], JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(outDir, "labels.classes.json")))!);

        string[] common = ["--model", "softmax", "--epochs", "2", "--device", "cpu", "--json"];
        var fromCsv = CliRun.Of(["train", "--data", csv, "--label-column", "-1", .. common]);
        var fromNpy = CliRun.Of(["train", "--data", Path.Combine(outDir, "features.npy"), "--labels", Path.Combine(outDir, "labels.npy"), .. common]);
        Assert.True(fromNpy.ExitCode == 0, fromNpy.ToString());
        Assert.Contains("standardized", fromNpy.Stderr + fromNpy.Stdout);
        foreach (string figure in new[] { "train_loss", "test_loss", "test_accuracy", "val_loss" })
            Assert.Equal(Figure(fromCsv, figure), Figure(fromNpy, figure));
    }

    [Fact]
    public void The_label_column_is_taken_by_header_name_as_train_takes_it()
    {
        string csv = _dir.WriteText("n.csv", "a,tier,b\n1,gold,2\n3,silver,4\n5,gold,6\n");
        string byName = Path.Combine(_dir.Path, "by-name"), byIndex = Path.Combine(_dir.Path, "by-index");
        var run = CliRun.Of("convert", "--data", csv, "--label-column", "tier", "--out", byName);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, CliRun.Of("convert", "--data", csv, "--label-column", "1", "--out", byIndex).ExitCode);
        Assert.Equal(["gold", "silver"], JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(byName, "labels.classes.json")))!);
        foreach (var file in new[] { "features.npy", "labels.npy" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(byIndex, file)), File.ReadAllBytes(Path.Combine(byName, file)));
        var unknown = CliRun.Of("convert", "--data", csv, "--label-column", "platinum", "--out", Path.Combine(_dir.Path, "none"));
        Assert.Equal(ExitCodes.RuntimeError, unknown.ExitCode); // as train says it: a column the file lacks is the data's
        Assert.Equal($"gpunet: {csv}: label column \"platinum\" is not a column; the header has \"a\", \"tier\", \"b\"", unknown.Stderr.Trim());
    }

    [Theory]
    [InlineData("colour,x,l\nred,1,0\nblue,2,1\n", "d.csv: column \"colour\" holds categories, and a converted set holds numbers only: train on the CSV itself, which one-hot encodes them")]
    [InlineData("x,y,l\n1,2,0\n3,NA,1\n", "d.csv: data row 2, column \"y\": missing value, and a converted set holds numbers only: train on the CSV itself with --impute")]
    public void Categories_and_missing_cells_are_refused_as_no_numbers(string text, string message)
    {
        using var dir = new TempDirectory();
        string csv = dir.WriteText("d.csv", text), outDir = Path.Combine(dir.Path, "npy");

        var run = CliRun.Of("convert", "--data", csv, "--label-column", "-1", "--out", outDir);

        Assert.Equal(ExitCodes.RuntimeError, run.ExitCode);
        Assert.Equal($"gpunet: {Path.Combine(dir.Path, message)}", run.Stderr.Trim());
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFiles(outDir).Any());
    }

    [Fact]
    public void Existing_files_are_kept_unless_overwrite_is_given()
    {
        string csv = _dir.WriteText("t.csv", "1,2,0\n3,4,1\n");
        string outDir = Path.Combine(_dir.Path, "npy");
        Assert.Equal(0, CliRun.Of("convert", "--data", csv, "--label-column", "-1", "--out", outDir).ExitCode);
        byte[] before = File.ReadAllBytes(Path.Combine(outDir, "features.npy"));
        _dir.WriteText("t.csv", "5,6,0\n7,8,1\n");
        var again = CliRun.Of("convert", "--data", csv, "--label-column", "-1", "--out", outDir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds features.npy; pass --overwrite", again.Stderr);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(outDir, "features.npy")));
        Assert.Equal(0, CliRun.Of("convert", "--data", csv, "--label-column", "-1", "--out", outDir, "--overwrite").ExitCode);
        Assert.NotEqual(before, File.ReadAllBytes(Path.Combine(outDir, "features.npy")));
    }

    [Fact]
    public void Features_of_another_convert_beside_the_labels_are_refused_naming_the_file()
    {
        string first = Convert("a.csv", "1,2,0\n3,4,1\n5,6,0\n7,8,1\n", "first");
        string second = Convert("b.csv", "9,9,1\n8,8,0\n7,7,1\n6,6,0\n", "second");
        File.Copy(Path.Combine(second, "features.npy"), Path.Combine(first, "features.npy"), overwrite: true);

        var train = TrainOn(first);

        Assert.Equal(1, train.ExitCode);
        Assert.Contains("features.npy: not the file that", train.Stderr);
        Assert.Contains("convert.json", train.Stderr);
        Assert.Single(train.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_convert_that_stops_half_way_leaves_a_generation_that_train_refuses()
    {
        string dir = Convert("a.csv", "1,2,0\n3,4,1\n5,6,0\n7,8,1\n", "npy");
        // A folder where the class names go makes the convert fail after it replaced features.npy and labels.npy.
        File.Delete(Path.Combine(dir, "labels.classes.json"));
        Directory.CreateDirectory(Path.Combine(dir, "labels.classes.json", "in-the-way"));
        string csv = _dir.WriteText("b.csv", "9,9,cat\n8,8,dog\n7,7,cat\n6,6,dog\n5,5,cat\n");
        var failed = CliRun.Of("convert", "--data", csv, "--label-column", "-1", "--out", dir, "--overwrite");
        Assert.True(failed.ExitCode == 1, failed.ToString());

        var train = TrainOn(dir);

        Assert.Equal(1, train.ExitCode);
        Assert.Contains("did not finish", train.Stderr);
        Assert.Contains("run the convert again", train.Stderr);
    }

    [Fact]
    public void A_class_name_with_a_line_break_keeps_every_name_in_its_place()
    {
        string dir = Convert("a.csv", "1,2,\"two\nlines\"\n3,4,z\n5,6,\"two\nlines\"\n7,8,z\n", "npy");
        string run = Path.Combine(_dir.Path, "run");

        var train = TrainOn(dir, "--out", run);

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal(["two\nlines", "z"], ModelCheckpoint.Load(Path.Combine(run, "model.safetensors")).ClassNames);
    }

    [Fact]
    public void A_class_name_listed_twice_is_refused_when_read_naming_the_file()
    {
        string dir = Convert("a.csv", "1,2,0\n3,4,1\n5,6,2\n7,8,1\n", "npy");
        File.Delete(Path.Combine(dir, "convert.json"));
        File.Delete(Path.Combine(dir, "labels.classes.json"));
        _dir.WriteText("npy/labels.classes.txt", "cat\ndog\ncat\n");

        var train = TrainOn(dir);

        Assert.Equal(1, train.ExitCode);
        Assert.Contains("labels.classes.txt: class name \"cat\" appears twice (classes 0 and 2)", train.Stderr);
    }

    private string Convert(string name, string csvText, string outName)
    {
        string csv = _dir.WriteText(name, csvText);
        string outDir = Path.Combine(_dir.Path, outName);
        var convert = CliRun.Of("convert", "--data", csv, "--label-column", "-1", "--out", outDir);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        return outDir;
    }

    private static CliRun TrainOn(string dir, params string[] more) =>
        CliRun.Of(["train", "--data", Path.Combine(dir, "features.npy"), "--labels", Path.Combine(dir, "labels.npy"),
            "--model", "softmax", "--epochs", "1", "--device", "cpu", "--quiet", .. more]);

    private static double Figure(CliRun run, string name)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var summary = JsonDocument.Parse(run.Stdout);
        return summary.RootElement.GetProperty(name).GetDouble();
    }

    public void Dispose() => _dir.Dispose();
}
