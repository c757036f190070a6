namespace GpuNet.Cli.Commands;

/// <summary>sweep.csv: sweep.json's rows flat, one model a line, for a spreadsheet or pandas.</summary>
public static class SweepCsv
{
    public const string FileName = "sweep.csv";

    private static readonly string[] Figures = ["train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy"];

    public static string Format(SweepResults results)
    {
        var header = new List<string> { "model" };
        header.AddRange(results.Differing.Select(f => f.TrimStart('-')));
        header.AddRange(["status", "epochs", "best_epoch"]);
        header.AddRange(Figures.Select(f => "final_" + f));
        header.AddRange(Figures.Select(f => "best_" + f));
        header.AddRange(["run_dir", "train_args", "failure"]);
        var lines = new List<string> { string.Join(",", header) };
        foreach (var row in results.Models)
        {
            var cells = new List<string> { row.Name };
            cells.AddRange(results.Differing.Select(f => row.Options.GetValueOrDefault(f, "")));
            cells.AddRange([row.Status.ToString() is var s ? Kebab(s) : "", Number(row.Epochs), row.BestEpoch is { } b ? Number(b) : ""]);
            cells.AddRange(Cells(row.Final));
            cells.AddRange(Cells(row.Best));
            cells.AddRange([row.RunDir, string.Join(" ", row.TrainArgs.Select(Shell)), row.Failure ?? ""]);
            lines.Add(string.Join(",", cells.Select(Quote)));
        }
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>"EarlyStopped" as sweep.json writes it: early-stopped.</summary>
    public static string Kebab(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>An argument as a POSIX shell reads it back: quoted only when it needs to be.</summary>
    public static string Shell(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_.,/:=+@".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static IEnumerable<string> Cells(SweepEpoch? e) => e is null
        ? Figures.Select(_ => "")
        : [Number(e.TrainLoss), Number(e.TrainAccuracy), Number(e.ValidationLoss), Number(e.ValidationAccuracy), Number(e.TestLoss), Number(e.TestAccuracy)];

    private static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
