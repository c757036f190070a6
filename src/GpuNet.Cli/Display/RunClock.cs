using System.Diagnostics;

namespace GpuNet.Cli.Display;

/// <summary>
/// Remaining-time estimates for a run and for the epoch in progress, by linear extrapolation of
/// the time spent so far. The run's time is the trainer's own clock at the last epoch end (so an
/// epoch that finished before the first report still counts) plus the time since.
/// </summary>
internal sealed class RunClock
{
    private readonly Stopwatch _sinceEpochEnd = new();
    private TimeSpan _runAtEpochEnd;
    private int _firstEpoch = 1;

    /// <summary>The first report: training started (or resumed) at <paramref name="firstEpoch"/>.</summary>
    public void Start(int firstEpoch)
    {
        _firstEpoch = firstEpoch;
        _sinceEpochEnd.Restart();
    }

    /// <summary>An epoch finished <paramref name="elapsedSeconds"/> into the run; the next one is timed from now.</summary>
    public void EpochDone(double elapsedSeconds)
    {
        _runAtEpochEnd = TimeSpan.FromSeconds(elapsedSeconds);
        _sinceEpochEnd.Restart();
    }

    /// <summary>Time left in the epoch after <paramref name="step"/> of <paramref name="steps"/>; null before the first step.</summary>
    public TimeSpan? EpochRemaining(int step, int steps) => Extrapolate(_sinceEpochEnd.Elapsed, step / (double)steps);

    /// <summary>Time left in the run, standing at <paramref name="step"/> of <paramref name="steps"/> in <paramref name="epoch"/>.</summary>
    public TimeSpan? RunRemaining(int epoch, int epochs, int step, int steps)
    {
        double done = epoch - _firstEpoch + step / (double)steps;
        return Extrapolate(_runAtEpochEnd + _sinceEpochEnd.Elapsed, done / (epochs - _firstEpoch + 1));
    }

    internal static TimeSpan? Extrapolate(TimeSpan elapsed, double fraction) =>
        fraction is > 0 and <= 1 ? elapsed * ((1 - fraction) / fraction) : null;

    /// <summary>"0:42", "12:05" or "1:02:03"; "-:--" when unknown.</summary>
    public static string Format(TimeSpan? remaining) => remaining switch
    {
        null => "-:--",
        { TotalHours: >= 1 } t => string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}"),
        { } t => t.ToString(@"m\:ss", CultureInfo.InvariantCulture),
    };
}
