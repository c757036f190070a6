using GpuNet.Backends;

namespace GpuNet.Distributed;

/// <summary>One process is all ranks: every collective leaves its data as it is.</summary>
public sealed class SingleProcess : ICollective
{
    public static readonly SingleProcess Instance = new();

    private SingleProcess() { }

    public int Rank => 0;
    public int Size => 1;
    public string Description => "1 process";

    public void AllReduceGradients(DeviceBuffer<float> gradients, Span<float> control) { }
    public void AllReduce(Span<double> values, ReduceOp op) { }
    public void Broadcast(Span<byte> data, int root) { }
    public void Finish() { }
    public void Dispose() { }
}
