namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet runs</c>' table: a row per run, its differing options, then the figures. Each figure column holds a
/// number to sort on and its text; accuracies sort best (highest) first, everything else lowest first, and a run
/// without the figure last.
/// </summary>
public sealed class RunsTable
{
    private static readonly (string Name, Func<RunRecord, double?> Value, Func<double, string> Text)[] Figures =
    [
        ("epochs", r => r.Last?.Epoch, v => v.ToString("0", CultureInfo.InvariantCulture)),
        ("val_loss", r => r.Last?.ValLoss, Loss),
        ("val_acc", r => r.Last?.ValAccuracy, Percent),
        ("best_epoch", r => r.Best?.Epoch, v => v.ToString("0", CultureInfo.InvariantCulture)),
        ("best_val_loss", r => r.Best?.ValLoss, Loss),
        ("best_val_acc", r => r.Best?.ValAccuracy, Percent),
        ("test_acc", r => r.Last?.TestAccuracy, Percent),
        ("time", r => r.Last?.ElapsedSeconds, v => v.ToString("0.0", CultureInfo.InvariantCulture) + "s"),
    ];

    private readonly IReadOnlyList<string> _options;

    private RunsTable(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> options)
    {
        Runs = runs;
        _options = options;
    }

    public IReadOnlyList<RunRecord> Runs { get; }

    public IEnumerable<string> Columns => ["run", .. _options, .. Figures.Select(f => f.Name)];

    public static RunsTable Build(IReadOnlyList<RunRecord> runs, IReadOnlyList<string> differingOptions) => new(runs, differingOptions);

    public RunsTable SortedBy(string column)
    {
        if (column == "run") return new(Runs.OrderBy(r => r.Name, StringComparer.Ordinal).ToList(), _options);
        foreach (var (name, value, _) in Figures)
        {
            if (name != column) continue;
            bool highFirst = name.EndsWith("_acc", StringComparison.Ordinal);
            var present = Runs.Where(r => value(r) is not null);
            var sorted = highFirst ? present.OrderByDescending(r => value(r)) : present.OrderBy(r => value(r));
            return new([.. sorted, .. Runs.Where(r => value(r) is null)], _options);
        }
        if (Runs.Any(r => r.Options.ContainsKey(column)))
            return new(Runs.OrderBy(r => r.Options[column] is null ? 1 : 0)
                .ThenBy(r => double.TryParse(r.Option(column), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN)
                .ThenBy(r => r.Option(column), StringComparer.Ordinal).ToList(), _options);
        throw new UsageException($"--sort {column}: no such column; the columns are {string.Join(", ", Columns)}, and any option of run.json");
    }

    public void Write(TextWriter output) =>
        TextTable.Write(output, Columns.ToArray(), Runs.Select(r => (string[])
            [r.Name, .. _options.Select(o => r.Option(o) is { Length: > 0 } v ? v : "-"), .. Figures.Select(f => f.Value(r) is { } v ? f.Text(v) : "-")]).ToList());

    private static string Loss(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Percent(double v) => (100 * v).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
