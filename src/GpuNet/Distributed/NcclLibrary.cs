using System.Runtime.InteropServices;

namespace GpuNet.Distributed;

/// <summary>
/// NCCL's C API, loaded at run time from <see cref="FileName"/> (PyTorch's CUDA wheels and NVIDIA's CUDA repositories
/// ship it; Debian does not), so GpuNet neither links nor ships it and only a CUDA run under MPI looks for it.
/// </summary>
internal sealed unsafe class NcclLibrary
{
    public const string FileName = "libnccl.so.2";

    private readonly delegate* unmanaged<int*, NcclResult> _getVersion;
    private readonly delegate* unmanaged<NcclUniqueId*, NcclResult> _getUniqueId;
    private readonly delegate* unmanaged<nint*, int, NcclUniqueId, int, NcclResult> _commInitRank;
    private readonly delegate* unmanaged<void*, void*, nuint, NcclDataType, NcclRedOp, nint, nint, NcclResult> _allReduce;
    private readonly delegate* unmanaged<nint, NcclResult> _commDestroy;
    private readonly delegate* unmanaged<NcclResult, byte*> _getErrorString;

    private NcclLibrary(nint library)
    {
        _getVersion = (delegate* unmanaged<int*, NcclResult>)NativeLibrary.GetExport(library, "ncclGetVersion");
        _getUniqueId = (delegate* unmanaged<NcclUniqueId*, NcclResult>)NativeLibrary.GetExport(library, "ncclGetUniqueId");
        _commInitRank = (delegate* unmanaged<nint*, int, NcclUniqueId, int, NcclResult>)NativeLibrary.GetExport(library, "ncclCommInitRank");
        _allReduce = (delegate* unmanaged<void*, void*, nuint, NcclDataType, NcclRedOp, nint, nint, NcclResult>)NativeLibrary.GetExport(library, "ncclAllReduce");
        _commDestroy = (delegate* unmanaged<nint, NcclResult>)NativeLibrary.GetExport(library, "ncclCommDestroy");
        _getErrorString = (delegate* unmanaged<NcclResult, byte*>)NativeLibrary.GetExport(library, "ncclGetErrorString");
    }

    /// <summary>The library, or null when <see cref="FileName"/> is not installed (the caller says what that means).</summary>
    public static NcclLibrary? TryLoad(string fileName = FileName)
    {
        if (!NativeLibrary.TryLoad(fileName, out var library)) return null;
        try
        {
            return new NcclLibrary(library);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new GpuNetException($"{fileName} is not a usable NCCL 2 ({e.Message})", e);
        }
    }

    /// <summary>NCCL_VERSION_CODE of the loaded library, e.g. 22103 for 2.21.3.</summary>
    public int Version()
    {
        int version;
        Check(_getVersion(&version), "ncclGetVersion");
        return version;
    }

    public NcclUniqueId UniqueId()
    {
        NcclUniqueId id;
        Check(_getUniqueId(&id), "ncclGetUniqueId");
        return id;
    }

    public nint CommInitRank(int ranks, NcclUniqueId id, int rank)
    {
        nint comm;
        Check(_commInitRank(&comm, ranks, id, rank), "ncclCommInitRank");
        return comm;
    }

    /// <summary>In-place sum of <paramref name="count"/> floats at device address <paramref name="buffer"/>, enqueued on <paramref name="stream"/>.</summary>
    public void AllReduceSum(nint buffer, long count, nint comm, nint stream) =>
        Check(_allReduce((void*)buffer, (void*)buffer, (nuint)count, NcclDataType.Float32, NcclRedOp.Sum, comm, stream), "ncclAllReduce");

    public void CommDestroy(nint comm) => Check(_commDestroy(comm), "ncclCommDestroy");

    private void Check(NcclResult result, string call)
    {
        if (result == NcclResult.Success) return;
        byte* text = _getErrorString(result);
        throw new GpuNetException(Describe(call, result, text is null ? null : Marshal.PtrToStringUTF8((nint)text)));
    }

    /// <summary>One line for a failed NCCL call: the call, NCCL's own text where it gave one, and the result's name and code.</summary>
    public static string Describe(string call, NcclResult result, string? text) =>
        $"{call} failed: {(string.IsNullOrWhiteSpace(text) ? "" : text + " ")}({NcclResultName(result)}, {(int)result})";

    private static string NcclResultName(NcclResult result) => Enum.IsDefined(result) ? "nccl" + result : "unknown ncclResult_t";
}
