namespace GpuNet.Distributed;

/// <summary>How values from every rank combine.</summary>
public enum ReduceOp
{
    Sum,
    Max,
    Min,
}
