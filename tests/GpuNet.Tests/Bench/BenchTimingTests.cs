using GpuNet.Backends.Cpu;
using GpuNet.Bench;

namespace GpuNet.Tests.Bench;

/// <summary>
/// The warm-up of a timing waits for each run: its seconds must be the device's. Unwaited, a time-based warm-up on an
/// asynchronous device queued launches as fast as the host could enqueue them, and a slow device (PoCL) then ran that
/// queue for minutes (bench --profile on opencl:0 had not finished after ten).
/// </summary>
public sealed class BenchTimingTests
{
    [Fact]
    public void Every_warm_up_run_and_every_timed_window_is_waited_for()
    {
        using var cpu = new CpuBackend();
        var counted = new ProfilingBackend(cpu);
        int runs = 0;
        var timing = new BenchTiming { WarmupRuns = 3, WarmupSeconds = 0, Window = 2 }.WithFixedRuns(4);

        counted.Reset();
        timing.Measure(counted, () => runs++);

        Assert.Equal(3 + 4 * 2, runs);
        Assert.Equal(3 + 4, counted.HostWaits); // one per warm-up run, one per timed window
    }
}
