using System.Text.RegularExpressions;
using GpuNet.Cli.Display;
using Spectre.Console;

namespace GpuNet.Tests.Display;

public sealed partial class TrainingDisplayTests
{
    /// <summary>A console that draws live (escape codes and all) into a string, wide enough that no epoch line wraps.</summary>
    private static IAnsiConsole LiveConsole(StringWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 200;
        return console;
    }

    private static EpochMetrics Epoch(int epoch, double validationLoss) =>
        new(epoch, new Score(0.5, 0.8), new Score(validationLoss, 0.75), new Score(0.45, 0.82), 0.1, 12_345, 0.2, 0.3, 0.3 * epoch,
            IsBest: epoch == 2);

    private static RunSummary Summary(int epochs) => new("mlp", "cpu", epochs, 32, 0.1, 0.5, 0.8, 0.45, 0.82, 12_345, 1.5, 0.3, 0.75, 2);

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    [Fact]
    public void A_string_writer_gets_the_plain_display_even_without_quiet()
    {
        using var display = TrainingDisplays.Create(new StringWriter(), quiet: false);
        Assert.IsType<PlainTrainingDisplay>(display);
        Assert.False(TrainingDisplays.IsInteractiveTerminal(new StringWriter()));
    }

    [Fact]
    public void Quiet_always_gets_the_plain_display() =>
        Assert.IsType<PlainTrainingDisplay>(TrainingDisplays.Create(Console.Out, quiet: true));

    [Fact]
    public void The_plain_display_prints_one_line_per_epoch_and_no_escape_codes()
    {
        var output = new StringWriter();
        var history = Enumerable.Range(1, 5).Select(e => Epoch(e, 1.0 / e)).ToList();
        using (var display = TrainingDisplays.Create(output, quiet: false))
        {
            display.Note("device: cpu");
            foreach (var e in history)
            {
                display.Progress(new TrainProgress(e.Epoch, 5, 3, 10, new Score(0.6, 0.7), 10_000));
                display.Epoch(e, 5);
            }
            display.Finish(history, Summary(5));
        }

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length); // the note, five epochs, the done line
        Assert.Equal("device: cpu", lines[0]);
        for (int e = 1; e <= 5; e++) Assert.StartsWith($"epoch {e}/5  train loss 0.5000 acc 80.00%", lines[e]);
        Assert.StartsWith("done: test accuracy 82.00%", lines[6]);
        Assert.DoesNotContain('\x1b', output.ToString());
    }

    [Fact]
    public void The_live_display_keeps_every_epoch_line_and_ends_with_the_summary_table()
    {
        var output = new StringWriter();
        var console = LiveConsole(output);
        var history = Enumerable.Range(1, 4).Select(e => Epoch(e, Math.Abs(e - 2) + 0.1)).ToList();
        using (var display = new LiveTrainingDisplay(console))
        {
            display.Note("device: cpu");
            foreach (var e in history)
            {
                for (int step = 1; step < 10; step += 4)
                    display.Progress(new TrainProgress(e.Epoch, 4, step, 10, new Score(0.6, 0.7), 10_000));
                display.Epoch(e, 4);
            }
            display.Finish(history, Summary(4));
        }

        var text = AnsiEscape().Replace(output.ToString(), "");
        Assert.Contains("\x1b[", output.ToString()); // live: it really drew with escape codes
        foreach (var e in history)
            Assert.Single(Regex.Matches(text, Regex.Escape(PlainTrainingDisplay.EpochLine(e, 4))));
        Assert.Contains("2 *", text);  // the best epoch marked in the table
        Assert.Contains("* lowest validation loss", text);
        Assert.EndsWith("1.5 s", text.TrimEnd());
    }

    [Fact]
    public void Disposing_the_live_display_mid_run_stops_its_bars()
    {
        var output = new StringWriter();
        var display = new LiveTrainingDisplay(LiveConsole(output));
        display.Progress(new TrainProgress(1, 3, 2, 10, new Score(0.6, 0.7), 10_000));
        display.Epoch(Epoch(1, 0.5), 3);

        display.Dispose(); // as when training throws: must return, not hang on the render thread
        display.Dispose();

        Assert.Contains(PlainTrainingDisplay.EpochLine(Epoch(1, 0.5), 3), AnsiEscape().Replace(output.ToString(), ""));
    }

    [Fact]
    public void Long_runs_show_the_first_the_best_and_the_last_epochs()
    {
        var history = Enumerable.Range(1, 200).Select(e => Epoch(e, Math.Abs(e - 50) + 0.1)).ToList();

        var rows = SummaryTable.Pick(history, bestEpoch: 50);

        var shown = rows.Where(r => r is not null).Select(r => r!.Epoch).ToList();
        Assert.Equal(SummaryTable.MaxRows, shown.Count);
        Assert.Equal([1, 2, 3, 50], shown.Take(4));
        Assert.Equal(200, shown[^1]);
        Assert.Equal(Enumerable.Range(185, 16), shown.Skip(4));
        Assert.Equal(2, rows.Count(r => r is null)); // gaps after epoch 3 and after epoch 50
        Assert.Equal(history.Take(7), SummaryTable.Pick(history.Take(7).ToList(), bestEpoch: 2));
    }

    [Fact]
    public void Time_left_is_extrapolated_and_printed_briefly()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), RunClock.Extrapolate(TimeSpan.FromSeconds(10), 0.25));
        Assert.Null(RunClock.Extrapolate(TimeSpan.FromSeconds(10), 0));
        Assert.Equal("-:--", RunClock.Format(null));
        Assert.Equal("0:42", RunClock.Format(TimeSpan.FromSeconds(42)));
        Assert.Equal("12:05", RunClock.Format(TimeSpan.FromSeconds(725)));
        Assert.Equal("26:00:03", RunClock.Format(TimeSpan.FromHours(26) + TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void The_run_estimate_counts_from_the_first_epoch_seen_on_the_trainers_clock()
    {
        var clock = new RunClock();
        clock.Start(firstEpoch: 3); // resumed at epoch 3 of 10: 8 epochs to run
        clock.EpochDone(elapsedSeconds: 20); // epochs 3 and 4 took 20 s

        var left = clock.RunRemaining(epoch: 5, epochs: 10, step: 0, steps: 100);

        Assert.NotNull(left);
        Assert.InRange(left.Value.TotalSeconds, 59, 61); // 6 more epochs at 10 s
    }
}
