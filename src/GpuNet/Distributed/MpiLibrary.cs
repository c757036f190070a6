using System.Runtime.InteropServices;
using System.Text;

namespace GpuNet.Distributed;

/// <summary>
/// Open MPI's C API, loaded at run time from <see cref="FileName"/> through NativeLibrary, so GpuNet neither links
/// nor ships MPI and a single-process run never loads it. Open MPI's predefined handles (MPI_COMM_WORLD, MPI_FLOAT,
/// MPI_SUM, …) are, in its mpi.h, the addresses of exported globals (&amp;ompi_mpi_comm_world, …): they are read as
/// the addresses of those exports. MPI_IN_PLACE is (void *) 1 there.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>Open MPI 4.x's SONAME (Debian 12's libopenmpi3).</summary>
    public const string FileName = "libmpi.so.40";

    /// <summary>MPI_THREAD_FUNNELED: only the thread that initialised MPI calls it (the trainer's thread).</summary>
    private const int ThreadFunneled = 1;
    private static readonly void* InPlace = (void*)1;

    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<nint, int*, int> _commRank, _commSize;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;
    private readonly nint _commWorld, _float, _double, _byte, _sum, _max, _min;

    private MpiLibrary(nint library)
    {
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)NativeLibrary.GetExport(library, "MPI_Init_thread");
        _initialized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "MPI_Initialized");
        _commRank = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(library, "MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(library, "MPI_Comm_size");
        _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)NativeLibrary.GetExport(library, "MPI_Allreduce");
        _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)NativeLibrary.GetExport(library, "MPI_Bcast");
        _finalize = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "MPI_Finalize");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)NativeLibrary.GetExport(library, "MPI_Error_string");
        _commWorld = NativeLibrary.GetExport(library, "ompi_mpi_comm_world");
        _float = NativeLibrary.GetExport(library, "ompi_mpi_float");
        _double = NativeLibrary.GetExport(library, "ompi_mpi_double");
        _byte = NativeLibrary.GetExport(library, "ompi_mpi_byte");
        _sum = NativeLibrary.GetExport(library, "ompi_mpi_op_sum");
        _max = NativeLibrary.GetExport(library, "ompi_mpi_op_max");
        _min = NativeLibrary.GetExport(library, "ompi_mpi_op_min");
    }

    /// <summary>The library, or an error saying what is missing (MPI not installed, or not Open MPI 4).</summary>
    public static MpiLibrary Load()
    {
        if (!NativeLibrary.TryLoad(FileName, out var library))
            throw new GpuNetException($"distributed training needs Open MPI's {FileName}, which is not installed (on Debian and Ubuntu: apt-get install openmpi-bin)");
        try
        {
            return new MpiLibrary(library);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new GpuNetException($"{FileName} is not Open MPI 4 ({e.Message}); GpuNet reads Open MPI's predefined handles", e);
        }
    }

    /// <summary>MPI_Init_thread with MPI_THREAD_FUNNELED (once per process); returns (rank, size) in MPI_COMM_WORLD.</summary>
    public (int Rank, int Size) Initialise()
    {
        int already;
        Check(_initialized(&already), "MPI_Initialized");
        if (already == 0)
        {
            int provided;
            Check(_initThread(null, null, ThreadFunneled, &provided), "MPI_Init_thread");
        }
        int rank, size;
        Check(_commRank(_commWorld, &rank), "MPI_Comm_rank");
        Check(_commSize(_commWorld, &size), "MPI_Comm_size");
        return (rank, size);
    }

    public void AllReduce(Span<float> values)
    {
        fixed (float* p = values) Check(_allreduce(InPlace, p, values.Length, _float, _sum, _commWorld), "MPI_Allreduce");
    }

    public void AllReduce(Span<double> values, ReduceOp op)
    {
        fixed (double* p = values) Check(_allreduce(InPlace, p, values.Length, _double, Op(op), _commWorld), "MPI_Allreduce");
    }

    public void Broadcast(Span<byte> data, int root)
    {
        fixed (byte* p = data) Check(_bcast(p, data.Length, _byte, root, _commWorld), "MPI_Bcast");
    }

    public void End() => Check(_finalize(), "MPI_Finalize");

    private nint Op(ReduceOp op) => op switch
    {
        ReduceOp.Sum => _sum,
        ReduceOp.Max => _max,
        ReduceOp.Min => _min,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>MPI_SUCCESS is 0; anything else becomes an error with MPI's own text for the code.</summary>
    private void Check(int code, string call)
    {
        if (code == 0) return;
        var text = new byte[512]; // MPI_MAX_ERROR_STRING is 256 in Open MPI
        int length = 0;
        fixed (byte* p = text)
            if (_errorString(code, p, &length) != 0) length = 0;
        string reason = length > 0 ? Encoding.ASCII.GetString(text, 0, Math.Min(length, text.Length)) : $"error code {code}";
        throw new GpuNetException($"{call} failed: {reason}");
    }
}
