using GpuNet.Cli.Commands;

namespace GpuNet.Cli.Display;

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
