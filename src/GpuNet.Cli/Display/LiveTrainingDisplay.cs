using Spectre.Console;

namespace GpuNet.Cli.Display;

/// <summary>
/// What a person at a terminal sees: two live bars (the epoch in progress with its running loss,
/// accuracy, samples/s and time left; the whole run with its time left), a persistent line per
/// finished epoch above them, and a summary table at the end. The bars live only between the
/// first report and <see cref="Finish"/>/<see cref="Dispose"/>; every persistent line goes
/// through the same Spectre console, which keeps it above the bars.
/// </summary>
public sealed class LiveTrainingDisplay : ITrainingDisplay
{
    private readonly IAnsiConsole _console;
    private readonly RunClock _clock = new();
    private BackgroundProgress? _progress;
    private ProgressTask? _epochTask;
    private ProgressTask? _runTask;
    private int _steps = 1;
    private string _bestText = "";

    public LiveTrainingDisplay(TextWriter output)
    {
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
        });
    }

    /// <summary>For tests: a display on a console the test controls.</summary>
    internal LiveTrainingDisplay(IAnsiConsole console) => _console = console;

    public void Note(string line) => _console.WriteLine(line);

    public void Progress(TrainProgress progress)
    {
        EnsureBars(progress.Epoch, progress.Epochs);
        _steps = progress.StepsPerEpoch;
        _epochTask!.MaxValue = progress.StepsPerEpoch;
        _epochTask.Value = progress.Step;
        _runTask!.Value = progress.Epoch - 1 + progress.Step / (double)progress.StepsPerEpoch;
        _epochTask.Tag = new Figures(
            string.Create(CultureInfo.InvariantCulture, $"loss {progress.Running.Loss:0.0000}  acc {Units.Percent(progress.Running.Accuracy)}  {Units.Rate(progress.SamplesPerSecond)} samples/s"),
            RunClock.Format(_clock.EpochRemaining(progress.Step, progress.StepsPerEpoch)));
        _runTask.Tag = new Figures(_bestText, RunClock.Format(_clock.RunRemaining(progress.Epoch, progress.Epochs, progress.Step, progress.StepsPerEpoch)));
    }

    public void Epoch(EpochMetrics epoch, int epochs)
    {
        EnsureBars(epoch.Epoch, epochs);
        _clock.EpochDone(epoch.ElapsedSeconds);
        if (epoch.Validation is { } v && epoch.IsBest)
            _bestText = string.Create(CultureInfo.InvariantCulture, $"best val loss {v.Loss:0.0000} (epoch {epoch.Epoch})");
        _runTask!.Value = epoch.Epoch;
        _runTask.Tag = new Figures(_bestText, RunClock.Format(_clock.RunRemaining(epoch.Epoch + 1, epochs, 0, _steps)));
        if (epoch.Epoch < epochs)
        {
            _epochTask!.Description = EpochLabel(epoch.Epoch + 1, epochs);
            _epochTask.Value = 0;
            _epochTask.Tag = new Figures("", "-:--");
        }
        else _epochTask!.Value = _epochTask.MaxValue;
        // Writing a line redraws the bars as last laid out; lay them out anew first, or they would
        // show the finished epoch as the current one until the next refresh.
        _progress!.Context.Refresh();
        _console.WriteLine(PlainTrainingDisplay.EpochLine(epoch, epochs));
    }

    public void Finish(IReadOnlyList<EpochMetrics> history, RunSummary summary)
    {
        StopBars();
        if (history.Count > 0) _console.Write(SummaryTable.Build(history));
        _console.Write(new Text(PlainTrainingDisplay.DoneLine(summary) + Environment.NewLine, new Style(decoration: Decoration.Bold)));
    }

    /// <summary>Stops the bars, if still live, without throwing: disposal may run while an error is on its way out.</summary>
    public void Dispose() => StopBars(quietly: true);

    private void EnsureBars(int epoch, int epochs)
    {
        if (_progress is not null) return;
        var progress = _console.Progress();
        progress.AutoClear = true; // the bars go; the epoch lines above them stay
        progress.RefreshRate = TimeSpan.FromMilliseconds(100);
        progress.Columns(
            new TaskDescriptionColumn { Alignment = Justify.Left },
            new ProgressBarColumn(),
            new PercentageColumn(),
            new TextColumn(44, Justify.Left, t => (t.Tag as Figures)?.Text ?? ""),
            new TextColumn(13, Justify.Right, t => (t.Tag as Figures) is { } f ? $"{f.Remaining} left" : ""));
        _progress = new BackgroundProgress(progress);
        Console.CancelKeyPress += ShowCursor;
        _epochTask = _progress.Context.AddTask(EpochLabel(epoch, epochs), maxValue: 1);
        _runTask = _progress.Context.AddTask("run", maxValue: epochs);
        _runTask.Value = epoch - 1;
        _clock.Start(epoch);
    }

    private void StopBars(bool quietly = false)
    {
        if (_progress is null) return;
        var progress = _progress;
        _progress = null;
        Console.CancelKeyPress -= ShowCursor;
        if (quietly) progress.Dispose();
        else progress.Stop();
    }

    /// <summary>
    /// The bars hide the cursor and show it again when they stop; a Ctrl+C that ends the process
    /// first would leave the user's shell without one.
    /// </summary>
    private void ShowCursor(object? sender, ConsoleCancelEventArgs e) => _console.Cursor.Show(true);

    private static string EpochLabel(int epoch, int epochs) =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {epoch.ToString(CultureInfo.InvariantCulture).PadLeft(epochs.ToString(CultureInfo.InvariantCulture).Length)}/{epochs}");

    /// <summary>What a bar's text columns show; replaced whole, so the render thread never sees half an update.</summary>
    private sealed record Figures(string Text, string Remaining);
}
