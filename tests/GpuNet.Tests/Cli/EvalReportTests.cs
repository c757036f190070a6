using GpuNet.Cli;
using GpuNet.Cli.Commands;

namespace GpuNet.Tests.Cli;

/// <summary>
/// What eval prints for many classes and for class names that hold control characters: a 3,000-class table needed
/// 1.5 GB to print its confusion matrix, and a name's escape sequence reached the terminal raw.
/// </summary>
public sealed class EvalReportTests
{
    [Fact]
    public void Many_classes_print_the_per_class_table_without_the_matrix_and_json_keeps_the_cells_that_are_not_zero()
    {
        const int classes = 3000;
        var report = Report(classes, Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray(), [0, 1, 2999], [0, 2, 2999]);
        var text = new StringWriter();

        report.WriteTables(text);
        using var json = JsonDocument.Parse(report.ToJson());

        Assert.Contains("confusion matrix: not printed for 3000 classes (at most 30); --json holds it", text.ToString());
        Assert.Contains("c2999", text.ToString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("confusion_matrix").ValueKind);
        var cells = json.RootElement.GetProperty("confusion_nonzero").EnumerateArray()
            .Select(c => (c[0].GetInt32(), c[1].GetInt32(), c[2].GetInt64())).ToArray();
        Assert.Equal([(0, 0, 1L), (1, 2, 1L), (2999, 2999, 1L)], cells);
    }

    [Fact]
    public void Few_classes_keep_the_whole_matrix_in_the_tables_and_in_json()
    {
        var report = Report(2, ["a", "b"], [0, 1, 1], [0, 0, 1]);
        var text = new StringWriter();

        report.WriteTables(text);
        using var json = JsonDocument.Parse(report.ToJson());

        Assert.Contains("confusion", text.ToString());
        Assert.DoesNotContain("not printed", text.ToString());
        Assert.Equal(1, json.RootElement.GetProperty("confusion_matrix")[1][0].GetInt64());
        Assert.False(json.RootElement.TryGetProperty("confusion_nonzero", out _));
    }

    [Fact]
    public void Control_characters_of_a_class_name_are_escaped_in_the_tables()
    {
        var report = Report(2, ["\u001b[31mred\u001b]0;title\u0007", "two\nlines"], [0, 1], [0, 1]);
        var text = new StringWriter();

        report.WriteTables(text);

        Assert.DoesNotContain('\u001b', text.ToString());
        Assert.DoesNotContain('\u0007', text.ToString());
        Assert.Contains(@"\x1b[31mred\x1b]0;title\x07", text.ToString());
        Assert.Contains(@"two\nlines", text.ToString());
    }

    [Theory]
    [InlineData("plain name", "plain name")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("c1\u009bcsi", @"c1\x9bcsi")]
    [InlineData("line\u2028sep", @"line\u2028sep")]
    public void Terminal_text_escapes_what_a_terminal_would_act_on(string name, string shown) =>
        Assert.Equal(shown, TerminalText.Escape(name));

    [Fact]
    public void Predict_on_a_terminal_escapes_class_names_and_into_a_pipe_keeps_them()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/script")) Assert.Skip("needs script(1) for a pseudo-terminal");
        using var dir = new TempDirectory();
        var spec = ModelSpec.Create(ModelKind.Softmax, inputs: 1, classes: 2);
        NamedTensor[] parameters = [new("layers.0.weight", [2, 1], [1f, -1f]), new("layers.0.bias", [2], [0f, 0f])];
        string model = Path.Combine(dir.Path, "m.safetensors");
        new ModelCheckpoint(spec, parameters, Preprocessing.None, ["\u001b]0;owned\u0007", "plain"], epoch: 1, step: 1).Save(model);
        string input = dir.WriteText("x.csv", "1\n-1\n");
        string gpunet = Path.Combine(AppContext.BaseDirectory, "gpunet.dll");

        var start = new System.Diagnostics.ProcessStartInfo("script", ["-qec", $"dotnet '{gpunet}' predict --checkpoint '{model}' --input '{input}' --device cpu", "/dev/null"])
            { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        string shown = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var piped = CliRun.Of("predict", "--checkpoint", model, "--input", input, "--device", "cpu");

        Assert.True(process.ExitCode == 0, shown);
        Assert.Contains(@"\x1b]0;owned\x07", shown);
        Assert.DoesNotContain("\u001b]0;owned", shown);
        Assert.Contains("\u001b]0;owned\u0007", piped.Stdout); // data for a program, unchanged
    }

    private static EvalCommandReport Report(int classes, string[] names, int[] actual, int[] predicted)
    {
        var spec = ModelSpec.Create(ModelKind.Softmax, inputs: 1, classes: classes);
        NamedTensor[] parameters = [new("layers.0.weight", [classes, 1], new float[classes]), new("layers.0.bias", [classes], new float[classes])];
        var checkpoint = new ModelCheckpoint(spec, parameters, Preprocessing.None, names, epoch: 1, step: 1);
        var evaluation = new Evaluation(actual.Length, 0.5, 0.5, new ConfusionMatrix(classes, actual, predicted));
        return new EvalCommandReport("m.safetensors", checkpoint, "d.csv all rows", "cpu", evaluation);
    }
}
