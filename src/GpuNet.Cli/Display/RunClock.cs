using System.Diagnostics;
using System.Globalization;

namespace GpuNet.Cli.Display;

/// <summary>
/// Remaining-time estimates for a run and for the epoch in progress, by linear extrapolation of
/// the time spent so far (in this process: a resumed run is timed from where it resumed).
/// </summary>
internal sealed class RunClock
{
    private readonly Stopwatch _run = Stopwatch.StartNew();
    private readonly Stopwatch _epoch = Stopwatch.StartNew();
    private int _firstEpoch;

    /// <summary>An epoch finished: the next one is timed from now.</summary>
    public void EpochDone() => _epoch.Restart();

    /// <summary>Time left in the epoch after <paramref name="step"/> of <paramref name="steps"/>; null before the first step.</summary>
    public TimeSpan? EpochRemaining(int step, int steps) => Extrapolate(_epoch.Elapsed, step / (double)steps);

    /// <summary>Time left in the run, standing at <paramref name="step"/> of <paramref name="steps"/> in <paramref name="epoch"/>.</summary>
    public TimeSpan? RunRemaining(int epoch, int epochs, int step, int steps)
    {
        if (_firstEpoch == 0) _firstEpoch = epoch;
        double done = epoch - _firstEpoch + step / (double)steps;
        return Extrapolate(_run.Elapsed, done / (epochs - _firstEpoch + 1));
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
