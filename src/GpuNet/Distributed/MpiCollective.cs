using GpuNet.Backends;

namespace GpuNet.Distributed;

/// <summary>
/// Collectives over MPI_COMM_WORLD for any device, host-staged: the gradient buffer is downloaded into one host
/// array (with the step's control values appended), summed by one MPI_Allreduce and uploaded again. The staging
/// array is allocated once, so a training step allocates nothing.
/// </summary>
public sealed class MpiCollective : ICollective
{
    private readonly MpiLibrary _mpi;
    private readonly IBackend _backend;
    private float[] _staged = [];
    private bool _finished;

    private MpiCollective(MpiLibrary mpi, IBackend backend, int rank, int size)
    {
        _mpi = mpi;
        _backend = backend;
        Rank = rank;
        Size = size;
    }

    /// <summary>Loads MPI and joins the job (MPI_Init_thread); the gradients of <paramref name="backend"/> are staged through the host.</summary>
    public static MpiCollective Join(IBackend backend)
    {
        var mpi = MpiLibrary.Load();
        var (rank, size) = mpi.Initialise();
        return new MpiCollective(mpi, backend, rank, size);
    }

    internal MpiLibrary Library => _mpi;

    public int Rank { get; }
    public int Size { get; }
    public string Description => $"{Size} ranks over MPI (host-staged)";

    public void AllReduceGradients(DeviceBuffer<float> gradients, Span<float> control)
    {
        int length = gradients.Length + control.Length;
        if (_staged.Length != length) _staged = new float[length];
        var staged = _staged.AsSpan();
        _backend.Download(gradients, staged[..gradients.Length]);
        control.CopyTo(staged[gradients.Length..]);
        _mpi.AllReduce(staged);
        _backend.Upload<float>(staged[..gradients.Length], gradients);
        staged[gradients.Length..].CopyTo(control);
    }

    public void AllReduce(Span<double> values, ReduceOp op) => _mpi.AllReduce(values, op);

    public void Broadcast(Span<byte> data, int root) => _mpi.Broadcast(data, root);

    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        // MPI_Finalize need not wait for the other ranks (the standard leaves that to the implementation), and callers
        // rely on Finish as a barrier: an all-reduce cannot complete on any rank before every rank has entered it.
        Span<double> barrier = [0];
        _mpi.AllReduce(barrier, ReduceOp.Sum);
        _mpi.End(); // MPI_Finalize
    }

    public void Dispose() { } // without Finish (a rank failing alone) MPI is left as it is: the launcher ends the job
}
