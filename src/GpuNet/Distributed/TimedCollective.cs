using System.Diagnostics;
using GpuNet.Backends;

namespace GpuNet.Distributed;

/// <summary>
/// A collective that also keeps the wall time of its gradient all-reduces (for <c>gpunet bench</c>): download,
/// reduce and upload on the host-staged path, and the wait for the slowest rank, which is part of the cost.
/// </summary>
public sealed class TimedCollective(ICollective inner) : ICollective
{
    private long _ticks;

    /// <summary>Gradient all-reduces so far.</summary>
    public long GradientReductions { get; private set; }

    /// <summary>Their total wall time.</summary>
    public TimeSpan GradientReductionTime => Stopwatch.GetElapsedTime(0, _ticks);

    public int Rank => inner.Rank;
    public int Size => inner.Size;
    public string Description => inner.Description;

    public void AllReduceGradients(DeviceBuffer<float> gradients, Span<float> control)
    {
        long start = Stopwatch.GetTimestamp();
        inner.AllReduceGradients(gradients, control);
        _ticks += Stopwatch.GetTimestamp() - start;
        GradientReductions++;
    }

    public void Reset()
    {
        _ticks = 0;
        GradientReductions = 0;
    }

    public void AllReduce(Span<double> values, ReduceOp op) => inner.AllReduce(values, op);
    public void Broadcast(Span<byte> data, int root) => inner.Broadcast(data, root);
    public void Finish() => inner.Finish();
    public void Dispose() => inner.Dispose();
}
