using GpuNet.Bench;
using GpuNet.Reference;

namespace GpuNet.Cli.Commands;

/// <summary>
/// The device's own GEMM rate behind --profile's GEMM-bound limit: a square 1024³ GEMM, timed within a few seconds
/// (timed with the step's settings, a slow device's profile spent minutes on this line alone; perf/RESULTS.md has the
/// PoCL run). A 256³ GEMM (1/64 of the work) is timed first: when the
/// 1024³ one would take over ten seconds, the log says so and there is no limit. Otherwise one 1024³ run is timed, and
/// only a fast one gets more runs, as many as fit the budget.
/// </summary>
public static class ProfileGemmRate
{
    public const int Size = 1024;
    private const int ProbeSize = 256;
    /// <summary>Seconds for the timed runs; a predicted run over <see cref="SkipSeconds"/> skips the limit, and a run over <see cref="SlowRunSeconds"/> is the only one.</summary>
    private const double BudgetSeconds = 5, SkipSeconds = 10, SlowRunSeconds = 1;

    public static GemmBenchResult? Measure(Backends.IBackend backend, BenchTiming timing, TextWriter log)
    {
        var probe = GemmBenchmark.Measure(backend, GemmCase.Square(ProbeSize), timing.WithFixedRuns(1) with { WarmupRuns = 1, WarmupSeconds = 0 });
        double predicted = probe.MsPerCall * Math.Pow((double)Size / ProbeSize, 3) / 1000;
        // Loose on purpose: a cold or busy cpu's one probe run may be many times slower than its steady rate, and a
        // device that slow is still worth a limit; the simulator is far beyond it.
        if (predicted > SkipSeconds)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"profile: no GEMM-bound limit for {backend.Device.Id}: a {Size}³ GEMM would take about {predicted:0.#} s a run here (a {ProbeSize}³ one took {probe.MsPerCall:0} ms)"));
            return null;
        }
        // The cube law is only a guess (caches, split-K): one run is timed first, and a slow one is the rate.
        var once = GemmBenchmark.Measure(backend, GemmCase.Square(Size), timing.WithFixedRuns(1) with { WarmupRuns = 0, WarmupSeconds = 0 });
        double run = once.MsPerCall / 1000;
        if (run > SlowRunSeconds)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile: the GEMM-bound limit for {backend.Device.Id} rests on one {Size}³ GEMM, which took {run:0.#} s"));
            return once;
        }
        // The default timing (warm-up, at least 20 runs and a second) when it fits the budget; else as many single runs as fit.
        double usual = run * (timing.WarmupRuns + timing.MinRuns) + timing.WarmupSeconds + timing.MinSeconds;
        var bounded = usual <= BudgetSeconds ? timing
            : timing.WithFixedRuns(Math.Max(1, (int)(BudgetSeconds / run) - 1)) with { WarmupRuns = 1, WarmupSeconds = 0 };
        return GemmBenchmark.Measure(backend, GemmCase.Square(Size), bounded);
    }
}
