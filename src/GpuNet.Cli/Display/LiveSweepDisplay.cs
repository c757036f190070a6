using GpuNet.Cli.Commands;
using Spectre.Console;

namespace GpuNet.Cli.Display;

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
