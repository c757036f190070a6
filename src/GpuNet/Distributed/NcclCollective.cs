using GpuNet.Backends;
using GpuNet.Backends.Ilgpu;

namespace GpuNet.Distributed;

/// <summary>
/// Collectives for one CUDA GPU per rank: the gradients are summed by ncclAllReduce in place on the device, on the
/// stream the backend enqueues its ops on, so the step never leaves the GPU. Rank 0's ncclUniqueId reaches the
/// other ranks over MPI, which also carries the host values (control flags, epoch sums) and ends the job.
/// </summary>
public sealed class NcclCollective : ICollective
{
    private readonly MpiCollective _mpi;
    private readonly NcclLibrary _nccl;
    private readonly IlgpuBackend _backend;
    private readonly nint _comm;
    private readonly int _version;
    private DeviceBuffer<float>? _bound;
    private (nint Address, nint Stream) _handles;

    private NcclCollective(MpiCollective mpi, NcclLibrary nccl, IlgpuBackend backend, nint comm)
    {
        _mpi = mpi;
        _nccl = nccl;
        _backend = backend;
        _comm = comm;
        _version = nccl.Version();
    }

    /// <summary>
    /// Creates the communicator over <paramref name="mpi"/>'s ranks, with the CUDA accelerator of
    /// <paramref name="backend"/> bound first (<paramref name="anyBuffer"/> is one of its buffers).
    /// Every rank must call it with a CUDA backend and a loaded NCCL.
    /// </summary>
    internal static unsafe NcclCollective Join(MpiCollective mpi, NcclLibrary nccl, IlgpuBackend backend, DeviceBuffer<float> anyBuffer)
    {
        if (backend.BindCuda(anyBuffer) is null) throw new GpuNetException($"NCCL needs a CUDA device ({backend.Device.Id} is not one)");
        var id = mpi.Rank == 0 ? nccl.UniqueId() : default;
        mpi.Broadcast(new Span<byte>(&id, NcclUniqueId.Bytes), root: 0);
        return new NcclCollective(mpi, nccl, backend, nccl.CommInitRank(mpi.Size, id, mpi.Rank));
    }

    public int Rank => _mpi.Rank;
    public int Size => _mpi.Size;
    /// <summary>NCCL_VERSION_CODE is major × 10000 + minor × 100 + patch since NCCL 2.9.</summary>
    public string Description => $"{Size} ranks over NCCL {_version / 10000}.{_version / 100 % 100}.{_version % 100}";

    public void AllReduceGradients(DeviceBuffer<float> gradients, Span<float> control)
    {
        if (!ReferenceEquals(_bound, gradients))
        {
            _handles = _backend.BindCuda(gradients)!.Value;
            _bound = gradients;
        }
        _nccl.AllReduceSum(_handles.Address, gradients.Length, _comm, _handles.Stream);
        if (!control.IsEmpty) ControlOverMpi(control);
    }

    /// <summary>The control values travel on the host over MPI: no device wait, while the GPU still sums the gradients.</summary>
    private void ControlOverMpi(Span<float> control)
    {
        Span<double> values = stackalloc double[control.Length];
        for (int i = 0; i < control.Length; i++) values[i] = control[i];
        _mpi.AllReduce(values, ReduceOp.Sum);
        for (int i = 0; i < control.Length; i++) control[i] = (float)values[i];
    }

    public void AllReduce(Span<double> values, ReduceOp op) => _mpi.AllReduce(values, op);
    public void Broadcast(Span<byte> data, int root) => _mpi.Broadcast(data, root);

    public void Finish()
    {
        _backend.Synchronize();
        _nccl.CommDestroy(_comm);
        _mpi.Finish();
    }

    public void Dispose() { }
}
