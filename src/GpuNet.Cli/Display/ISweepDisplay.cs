using GpuNet.Cli.Commands;

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
