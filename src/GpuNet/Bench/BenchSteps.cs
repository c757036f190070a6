namespace GpuNet.Bench;

/// <summary>What the training and pack benchmarks share: an endless run of full steps over epochs, and a profile of it.</summary>
internal static class BenchSteps
{
    /// <summary>
    /// Starts epoch 1 and returns a function that runs the next full step, starting the next epoch after
    /// <paramref name="fullSteps"/> (only full batches are timed).
    /// </summary>
    public static Action Cycle(int fullSteps, Action<int> beginEpoch, Action<int> step)
    {
        int epoch = 1, next = 0;
        beginEpoch(epoch);
        return () =>
        {
            if (next == fullSteps)
            {
                beginEpoch(++epoch);
                next = 0;
            }
            step(next++);
        };
    }

    /// <summary>
    /// Milliseconds and calls per step of each op over <paramref name="steps"/> steps after <paramref name="warmupSteps"/>,
    /// the GEMM work per step, the device's kernel launches per step and the step's own host waits per step.
    /// </summary>
    public static StepProfile Profile(ProfilingBackend profiler, Action step, int warmupSteps, int steps)
    {
        for (int i = 0; i < warmupSteps; i++) step();
        profiler.Reset();
        for (int i = 0; i < steps; i++) step();
        return new StepProfile(profiler.Totals.Select(t => (t.Op, t.Ms / steps, (double)t.Calls / steps)).ToArray(), profiler.GemmFlops / steps,
            profiler.Launches is { } launches ? (double)launches / steps : null, (double)profiler.HostWaits / steps);
    }
}
