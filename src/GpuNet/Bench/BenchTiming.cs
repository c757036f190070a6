using System.Diagnostics;
using GpuNet.Backends;

namespace GpuNet.Bench;

/// <summary>How long to measure: warm-up runs first, then timed runs until both minimums are met (or the cap).</summary>
public sealed record BenchTiming
{
    public int WarmupRuns { get; init; } = 5;
    /// <summary>Warm-up also lasts at least this long: .NET recompiles hot methods with full optimisation only after they have run a while.</summary>
    public double WarmupSeconds { get; init; } = 0.5;
    public int MinRuns { get; init; } = 20;
    public int MaxRuns { get; init; } = 10_000;
    public double MinSeconds { get; init; } = 1.0;
    /// <summary>
    /// Runs per timed window: the device is synchronised once per window and each run is charged the
    /// window's mean. 1 times every run on its own; on a GPU a larger window lets launches overlap as
    /// they do in training (PyTorch comparisons in perf/gpu use 10 on both sides).
    /// </summary>
    public int Window { get; init; } = 1;

    /// <summary>Longest window accepted: as many runs as a point may take at most, so a typo cannot start billions of steps.</summary>
    public const int MaxWindow = 10_000;

    /// <summary>Exactly <paramref name="runs"/> timed runs, however long they take (a fixed count instead of a time budget).</summary>
    public BenchTiming WithFixedRuns(int runs) => this with { MinRuns = runs, MaxRuns = runs, MinSeconds = 0 };

    /// <summary>Throws, naming the property, when a setting is out of range (the CLI validates its options before this).</summary>
    public void Validate()
    {
        if (WarmupRuns < 0) throw new ArgumentOutOfRangeException(nameof(WarmupRuns), WarmupRuns, "must be zero or more");
        if (MinRuns < 1) throw new ArgumentOutOfRangeException(nameof(MinRuns), MinRuns, "must be at least 1");
        if (!(MinSeconds >= 0) || double.IsInfinity(MinSeconds)) throw new ArgumentOutOfRangeException(nameof(MinSeconds), MinSeconds, "must be zero or more");
        if (Window < 1 || Window > MaxWindow) throw new ArgumentOutOfRangeException(nameof(Window), Window, $"must be 1 to {MaxWindow}");
    }

    /// <summary>
    /// Runs <paramref name="run"/> untimed for the warm-up, then times windows of <see cref="Window"/> runs.
    /// Every window ends with one <see cref="IBackend.Synchronize"/> inside its timed span, so a GPU's
    /// queued work is counted in the window that queued it (a no-op on the cpu backend, whose ops finish
    /// on return). Each sample is a window's time divided by its runs.
    /// </summary>
    public StepTimes Measure(IBackend backend, Action run)
    {
        // Each warm-up run is waited for: WarmupSeconds must be the device's time, not the host's. Unwaited, the host
        // enqueued half a second of launches, thousands of them, that a slow device then ran for minutes (PoCL: bench
        // --profile on opencl:0 had not finished after 10 minutes).
        var warmup = Stopwatch.StartNew();
        for (int i = 0; i < WarmupRuns || (WarmupRuns > 0 && warmup.Elapsed.TotalSeconds < WarmupSeconds); i++)
        {
            run();
            backend.Synchronize();
        }
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < MaxRuns && (samples.Count < MinRuns || total.Elapsed.TotalSeconds < MinSeconds))
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Window; i++) run();
            backend.Synchronize();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds / Window);
        }
        return StepTimes.From(samples);
    }
}
