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
        Assert.Equal(["benign", "malignant"], File.ReadAllLines(Path.Combine(outDir, "labels.classes.txt")));

        string[] common = ["--model", "softmax", "--epochs", "2", "--device", "cpu", "--json"];
        var fromCsv = CliRun.Of(["train", "--data", csv, "--label-column", "-1", .. common]);
        var fromNpy = CliRun.Of(["train", "--data", Path.Combine(outDir, "features.npy"), "--labels", Path.Combine(outDir, "labels.npy"), .. common]);
        Assert.True(fromNpy.ExitCode == 0, fromNpy.ToString());
        Assert.Contains("standardized", fromNpy.Stderr + fromNpy.Stdout);
        foreach (string figure in new[] { "train_loss", "test_loss", "test_accuracy", "val_loss" })
            Assert.Equal(Figure(fromCsv, figure), Figure(fromNpy, figure));
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

    private static double Figure(CliRun run, string name)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var summary = JsonDocument.Parse(run.Stdout);
        return summary.RootElement.GetProperty(name).GetDouble();
    }

    public void Dispose() => _dir.Dispose();
}
