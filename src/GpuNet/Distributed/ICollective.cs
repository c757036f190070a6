using GpuNet.Backends;

namespace GpuNet.Distributed;

/// <summary>
/// The collective operations a data-parallel run needs, over the ranks of one job. Every rank calls every
/// operation in the same order with the same lengths (MPI's rule); a rank that calls one alone waits forever.
/// <see cref="SingleProcess"/> is the one-rank case, where every operation leaves its data as it is.
/// </summary>
public interface ICollective : IDisposable
{
    /// <summary>This process's rank, 0 ≤ Rank &lt; Size; rank 0 alone prints and writes files.</summary>
    int Rank { get; }

    /// <summary>The number of ranks (1 for a single process).</summary>
    int Size { get; }

    /// <summary>What carries the data, for the run's header: "2 ranks over MPI (host-staged)", or "1 process".</summary>
    string Description { get; }

    /// <summary>
    /// Sums <paramref name="gradients"/> (the whole device buffer) in place across ranks, and the host values
    /// <paramref name="control"/> with them: one fused all-reduce per training step where the path allows it
    /// (host-staged MPI appends the control values to the staged gradients).
    /// </summary>
    void AllReduceGradients(DeviceBuffer<float> gradients, Span<float> control);

    /// <summary>Combines host values in place across ranks; every rank gets the same result.</summary>
    void AllReduce(Span<double> values, ReduceOp op);

    /// <summary>Copies <paramref name="data"/> of rank <paramref name="root"/> to every rank.</summary>
    void Broadcast(Span<byte> data, int root);

    /// <summary>
    /// Ends the job's communication (MPI_Finalize) once every rank has reached the same point: a normal end or an
    /// agreed stop. It is a barrier: no rank returns before every rank has called it. A rank that fails alone exits
    /// without it, so the launcher ends the job instead of hanging.
    /// </summary>
    void Finish();
}
