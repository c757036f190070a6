using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace GpuNet.Cli.Commands;

/// <summary>What <c>gpunet eval</c> prints: tables for a person, or one JSON object with --json.</summary>
internal sealed record EvalCommandReport(string ModelPath, ModelCheckpoint Checkpoint, string Data, string Device, Evaluation Evaluation)
{
    private ConfusionMatrix Confusion => Evaluation.Confusion;

    /// <summary>Most classes whose confusion matrix the tables print: beyond this it is a screenful of columns nobody reads.</summary>
    public const int MaxPrintedMatrixClasses = 30;

    /// <summary>Most classes whose confusion matrix --json writes whole; beyond this (10^6 cells) only the cells that are not 0.</summary>
    public const int MaxDenseMatrixClasses = 1000;

    /// <summary>
    /// {"model", "architecture", "epoch", "data", "device", "rows", "loss", "accuracy", "balanced_accuracy", "macro_f1",
    /// "classes": [{"class", "name", "precision", "recall", "support"}], "confusion_matrix": [[actual 0: predicted 0, 1, ...], ...]}.
    /// Over <see cref="MaxDenseMatrixClasses"/> classes "confusion_matrix" is null and "confusion_nonzero" lists
    /// [actual, predicted, count] for each cell that is not 0 (at most one per row).
    /// A precision (recall) is null when nothing was predicted as (nothing belongs to) that class; a loss that is not finite
    /// (the model gave a row's class probability 0) is null too, as JSON has no NaN or Infinity and pandas reads null as NaN.
    /// </summary>
    public string ToJson()
    {
        var classes = new JsonArray();
        bool dense = Confusion.Classes <= MaxDenseMatrixClasses;
        var matrix = dense ? new JsonArray() : null;
        for (int c = 0; c < Confusion.Classes; c++)
        {
            classes.Add(new JsonObject
            {
                ["class"] = c,
                ["name"] = Checkpoint.ClassNames[c],
                ["precision"] = Confusion.Precision(c),
                ["recall"] = Confusion.Recall(c),
                ["support"] = Confusion.Support(c),
            });
            matrix?.Add(new JsonArray(Enumerable.Range(0, Confusion.Classes).Select(p => (JsonNode?)Confusion[c, p]).ToArray()));
        }
        var report = new JsonObject
        {
            ["model"] = ModelPath,
            ["architecture"] = Checkpoint.Spec.Describe(),
            ["epoch"] = Checkpoint.Epoch,
            ["data"] = Data,
            ["device"] = Device,
            ["rows"] = Evaluation.Rows,
            ["loss"] = Finite(Evaluation.Loss),
            ["accuracy"] = Evaluation.Accuracy,
            ["balanced_accuracy"] = Confusion.BalancedAccuracy,
            ["macro_f1"] = Confusion.MacroF1,
            ["classes"] = classes,
            ["confusion_matrix"] = matrix,
        };
        if (!dense)
            report["confusion_nonzero"] = new JsonArray(Confusion.NonZero.Select(cell => (JsonNode?)new JsonArray(cell.Actual, cell.Predicted, cell.Count)).ToArray());
        return report.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The figures, a per-class table and the confusion matrix (rows: actual class, columns: predicted).</summary>
    public void WriteTables(TextWriter output)
    {
        var console = Consoles.For(output);
        console.WriteLine($"model: {Checkpoint.Spec.Describe()} from {ModelPath} (epoch {Checkpoint.Epoch}, step {Checkpoint.Step})");
        console.WriteLine($"data: {Data}, {Evaluation.Rows} rows; device: {Device}");
        console.WriteLine($"loss {Number(Evaluation.Loss)}  accuracy {Percent(Evaluation.Accuracy)}  balanced accuracy {Percent(Confusion.BalancedAccuracy)}  macro-F1 {Number(Confusion.MacroF1)}");

        var perClass = new Table().AddColumns("class", "name", "precision", "recall", "support");
        for (int c = 1; c < 5; c++) perClass.Columns[c].RightAligned();
        perClass.Columns[1].LeftAligned();
        for (int c = 0; c < Confusion.Classes; c++)
            perClass.AddRow(Cell(c.ToString(CultureInfo.InvariantCulture)), Cell(TerminalText.Escape(Checkpoint.ClassNames[c])),
                Cell(Percent(Confusion.Precision(c))), Cell(Percent(Confusion.Recall(c))), Cell(Confusion.Support(c).ToString(CultureInfo.InvariantCulture)));
        console.Write(perClass);

        if (Confusion.Classes > MaxPrintedMatrixClasses)
        {
            console.WriteLine($"confusion matrix: not printed for {Confusion.Classes} classes (at most {MaxPrintedMatrixClasses}); --json holds it");
            return;
        }
        var matrix = new Table().Title("confusion matrix: rows actual, columns predicted").AddColumn("actual");
        for (int p = 0; p < Confusion.Classes; p++) matrix.AddColumn(new TableColumn(p.ToString(CultureInfo.InvariantCulture)).RightAligned());
        for (int a = 0; a < Confusion.Classes; a++)
            matrix.AddRow(Enumerable.Range(0, Confusion.Classes).Select(p => Cell(Confusion[a, p].ToString(CultureInfo.InvariantCulture)))
                .Prepend(Cell($"{a} {TerminalText.Escape(Checkpoint.ClassNames[a])}")).ToArray());
        console.Write(matrix);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>Class names come from files: shown as text, never as Spectre markup, their control characters escaped (<see cref="TerminalText"/>).</summary>
    private static Text Cell(string text) => new(text);

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Percent(double? value) => value is { } v ? v.ToString("0.00%", CultureInfo.InvariantCulture) : "-";
}
