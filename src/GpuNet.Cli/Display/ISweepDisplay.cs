using GpuNet.Cli.Commands;
using Spectre.Console;

namespace GpuNet.Cli.Display;

/// <summary>How <c>gpunet sweep</c> shows its models: a live leaderboard on a terminal, plain lines otherwise.</summary>
internal interface ISweepDisplay
{
    void Note(string line);
    /// <summary>Runs the sweep's training, with the live leaderboard on screen while it runs.</summary>
    T Show<T>(Func<T> train);
    void Started(SweepRow row, string? resuming);
    void Epoch(SweepRow row, int epochs);
    void Finished(SweepRow row);
    /// <summary>The final leaderboard.</summary>
    void Finish();
}

internal static class SweepDisplays
{
    public static ISweepDisplay Create(TextWriter output, bool quiet, SweepResults results) =>
        !quiet && TrainingDisplays.IsInteractiveTerminal(output) ? new LiveSweepDisplay(output, results) : new PlainSweepDisplay(output, results);
}

/// <summary>One line per model and epoch, and the leaderboard as a text table at the end: for logs, pipes and --quiet.</summary>
internal sealed class PlainSweepDisplay(TextWriter output, SweepResults results) : ISweepDisplay
{
    public void Note(string line) => output.WriteLine(line);
    public T Show<T>(Func<T> train) => train();
    public void Started(SweepRow row, string? resuming) { if (resuming is not null) output.WriteLine($"model {row.Name} ({row.Model.Describe()}): {resuming}"); }
    public void Epoch(SweepRow row, int epochs) => output.WriteLine(SweepLeaderboard.EpochLine(row, epochs));
    public void Finished(SweepRow row) => output.WriteLine(SweepLeaderboard.FinishedLine(row));
    public void Finish() => TextTable.Write(output, SweepLeaderboard.Header(results), SweepLeaderboard.Rows(results));
}

/// <summary>A Spectre table of every model, redrawn after each epoch; each model that finishes also leaves a line above it.</summary>
internal sealed class LiveSweepDisplay(TextWriter output, SweepResults results) : ISweepDisplay
{
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.Detect, Interactive = InteractionSupport.Yes,
    });
    private LiveDisplayContext? _live;
    private Table _table = new();

    public void Note(string line) => _console.WriteLine(line);

    public T Show<T>(Func<T> train)
    {
        _table = Build();
        return _console.Live(_table).Start(context =>
        {
            _live = context;
            try { return train(); }
            finally { _live = null; }
        });
    }

    public void Started(SweepRow row, string? resuming) => Refresh();
    public void Epoch(SweepRow row, int epochs) => Refresh();
    public void Finished(SweepRow row)
    {
        _console.WriteLine(SweepLeaderboard.FinishedLine(row)); // above the live table, as a record that stays
        Refresh();
    }

    /// <summary>Nothing: the live table's last state stays on screen.</summary>
    public void Finish() { }

    private void Refresh()
    {
        if (_live is null) return;
        _table = Build();
        _live.UpdateTarget(_table);
    }

    private Table Build()
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("sweep: best validation loss first (* = best model)") };
        foreach (var column in SweepLeaderboard.Header(results)) table.AddColumn(new TableColumn(Markup.Escape(column)));
        foreach (var row in SweepLeaderboard.Rows(results)) table.AddRow(row.Select(Markup.Escape).ToArray());
        return table;
    }
}
