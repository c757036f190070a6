using System.Runtime.InteropServices;

namespace GpuNet.Distributed;

/// <summary>nccl.h's ncclUniqueId: 128 opaque bytes (NCCL_UNIQUE_ID_BYTES) made by rank 0 and passed by value to ncclCommInitRank.</summary>
[StructLayout(LayoutKind.Sequential, Size = Bytes)]
internal unsafe struct NcclUniqueId
{
    public const int Bytes = 128;
    public fixed byte Internal[Bytes];
}

/// <summary>nccl.h's ncclResult_t.</summary>
internal enum NcclResult
{
    Success = 0,
    UnhandledCudaError = 1,
    SystemError = 2,
    InternalError = 3,
    InvalidArgument = 4,
    InvalidUsage = 5,
    RemoteError = 6,
    InProgress = 7,
}

/// <summary>nccl.h's ncclDataType_t (the ones GpuNet sends).</summary>
internal enum NcclDataType
{
    Int32 = 2,
    Float32 = 7,
    Float64 = 8,
}

/// <summary>nccl.h's ncclRedOp_t.</summary>
internal enum NcclRedOp
{
    Sum = 0,
    Prod = 1,
    Max = 2,
    Min = 3,
    Avg = 4,
}
