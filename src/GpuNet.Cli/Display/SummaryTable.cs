using Spectre.Console;

namespace GpuNet.Cli.Display;

/// <summary>
/// The end-of-run table: per epoch the train, validation and test loss and accuracy and the
/// training speed, with the epoch of lowest validation loss marked. Long runs show their first
/// and last epochs and the best one, with "…" rows where epochs are left out.
/// </summary>
internal static class SummaryTable
{
    public const int MaxRows = 20;
    private const int HeadRows = 3;

    public static Table Build(IReadOnlyList<EpochMetrics> history)
    {
        int? best = Plots.CurvesPlot.BestEpoch(history);
        bool validation = history.Any(e => e.Validation is not null);
        bool test = history.Any(e => !double.IsNaN(e.Test.Loss));
        var table = new Table { Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn("epoch"));
        AddPair(table, "train");
        if (validation) AddPair(table, "val");
        if (test) AddPair(table, "test");
        table.AddColumn(new TableColumn("samples/s").RightAligned());
        table.AddColumn(new TableColumn("time").RightAligned());

        foreach (var e in Pick(history, best))
        {
            if (e is null)
            {
                table.AddRow(Enumerable.Repeat("…", table.Columns.Count).ToArray());
                continue;
            }
            var cells = new List<string> { e.Epoch == best ? $"{e.Epoch} *" : $"{e.Epoch}" };
            cells.AddRange(Pair(e.Train));
            if (validation) cells.AddRange(e.Validation is { } v ? Pair(v) : ["-", "-"]);
            if (test) cells.AddRange(Pair(e.Test));
            cells.Add(Units.Rate(e.SamplesPerSecond));
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{e.ElapsedSeconds:0.0}s"));
            var style = e.Epoch == best ? new Style(Color.Green, decoration: Decoration.Bold) : Style.Plain;
            table.AddRow(cells.Select(c => new Text(c, style)));
        }
        if (best is not null) table.Caption = new TableTitle("* lowest validation loss");
        return table;
    }

    /// <summary>
    /// The epochs to show, in order, with null where a run of epochs is left out: all of them up to
    /// <see cref="MaxRows"/>, otherwise the first few, the best, and as many of the last as fit.
    /// </summary>
    internal static IReadOnlyList<EpochMetrics?> Pick(IReadOnlyList<EpochMetrics> history, int? bestEpoch)
    {
        if (history.Count <= MaxRows) return history.ToList();
        var keep = new SortedSet<int>(Enumerable.Range(0, HeadRows));
        int bestIndex = bestEpoch is null ? -1 : history.ToList().FindIndex(e => e.Epoch == bestEpoch);
        if (bestIndex >= 0) keep.Add(bestIndex);
        for (int i = history.Count - 1; keep.Count < MaxRows; i--) keep.Add(i);
        var rows = new List<EpochMetrics?>();
        int previous = -1;
        foreach (int i in keep)
        {
            if (i > previous + 1) rows.Add(null);
            rows.Add(history[i]);
            previous = i;
        }
        return rows;
    }

    private static void AddPair(Table table, string name)
    {
        table.AddColumn(new TableColumn($"{name} loss").RightAligned());
        table.AddColumn(new TableColumn($"{name} acc").RightAligned());
    }

    private static string[] Pair(Score s) =>
        [s.Loss.ToString("0.0000", CultureInfo.InvariantCulture), Units.Percent(s.Accuracy)];
}
