using GpuNet.Backends;
using GpuNet.Backends.Ilgpu;
using GpuNet.Settings;

namespace GpuNet.Distributed;

/// <summary>Picks the collective path of a run: one process, NCCL for CUDA devices where libnccl is installed, or MPI host-staged.</summary>
public static class Collectives
{
    /// <summary>The launch this process belongs to under <paramref name="mode"/>, or null for a single process.</summary>
    public static LaunchEnvironment? Launch(DistributedMode mode, Func<string, string?>? read = null)
    {
        if (mode == DistributedMode.Off) return null;
        var launch = LaunchEnvironment.Detect(read);
        if (launch is null && mode == DistributedMode.On)
            throw new UsageException($"{Setting.Distributed} training needs several processes started by an MPI launcher (mpirun -np N gpunet train …); none started this one");
        return launch;
    }

    /// <summary>
    /// Joins the job <paramref name="launch"/> describes (or returns <see cref="SingleProcess"/> when it is null).
    /// <paramref name="gradients"/> is the buffer the steps will reduce; <paramref name="notice"/> says why NCCL
    /// was not used on a CUDA device.
    /// </summary>
    public static ICollective Join(LaunchEnvironment? launch, IBackend backend, DeviceBuffer<float> gradients, out string? notice)
    {
        notice = null;
        if (launch is null) return SingleProcess.Instance;
        var mpi = MpiCollective.Join(backend);
        if (mpi.Size != launch.Size)
            throw new GpuNetException($"MPI_COMM_WORLD has {mpi.Size} ranks but the launcher announced {launch.Size}");
        if (backend is not IlgpuBackend { Device.Kind: DeviceKind.Cuda } cuda) return mpi;
        // Every rank must take the same path; each loads NCCL and the job agrees that all of them have it.
        var nccl = NcclLibrary.TryLoad();
        Span<double> everyRankHasIt = [nccl is null ? 0 : 1];
        mpi.AllReduce(everyRankHasIt, ReduceOp.Min);
        if (everyRankHasIt[0] == 1) return NcclCollective.Join(mpi, nccl!, cuda, gradients);
        notice = $"NCCL ({NcclLibrary.FileName}) is not installed on every rank, so the gradients are staged through the host over MPI; install NVIDIA's libnccl2 to keep them on the GPUs";
        return mpi;
    }
}
