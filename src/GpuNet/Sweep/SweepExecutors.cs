using GpuNet.Backends;
using GpuNet.Training;

namespace GpuNet.Sweep;

/// <summary>Which executor trains a sweep: the one place the packed engine (many models per batched GEMM) will be chosen.</summary>
public static class SweepExecutors
{
    /// <summary>Today: one model after another on <paramref name="backend"/>, with the data prepared once.</summary>
    public static ISweepExecutor For(IBackend backend, PreparedData data) => new SequentialExecutor(backend, data);
}
