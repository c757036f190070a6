using System.Runtime.CompilerServices;
using GpuNet.Distributed;

namespace GpuNet.Tests.Distributed;

/// <summary>
/// The native side of the collectives without a job or a GPU: Open MPI's exports resolve, and NCCL's types match
/// nccl.h (NCCL 2.x: NCCL_UNIQUE_ID_BYTES 128, ncclResult_t, ncclDataType_t and ncclRedOp_t values), so the
/// CUDA path marshals what libnccl expects even where no GPU can run it.
/// </summary>
public sealed class NativeCollectiveLibraryTests
{
    [Fact]
    public void Open_mpi_loads_with_every_function_and_predefined_handle_gpunet_uses()
    {
        Mpi.Require(); // openmpi-bin brings libmpi.so.40 with it
        Assert.NotNull(MpiLibrary.Load()); // throws naming the missing export otherwise
    }

    [Fact]
    public void Nccl_unique_id_is_128_bytes_passed_by_value()
    {
        Assert.Equal(128, Unsafe.SizeOf<NcclUniqueId>());
        Assert.Equal(NcclUniqueId.Bytes, Unsafe.SizeOf<NcclUniqueId>());
    }

    [Fact]
    public void Nccl_enums_have_nccl_h_values()
    {
        Assert.Equal(7, (int)NcclDataType.Float32);
        Assert.Equal(8, (int)NcclDataType.Float64);
        Assert.Equal(2, (int)NcclDataType.Int32);
        Assert.Equal([0, 1, 2, 3, 4], Enum.GetValues<NcclRedOp>().Select(v => (int)v));
        Assert.Equal(0, (int)NcclRedOp.Sum);
        Assert.Equal(0, (int)NcclResult.Success);
        Assert.Equal(1, (int)NcclResult.UnhandledCudaError);
        Assert.Equal(5, (int)NcclResult.InvalidUsage);
        Assert.Equal(7, (int)NcclResult.InProgress);
    }

    [Fact]
    public void A_failed_nccl_call_is_one_line_with_nccl_s_text_and_the_result()
    {
        Assert.Equal("ncclCommInitRank failed: invalid usage (ncclInvalidUsage, 5)", NcclLibrary.Describe("ncclCommInitRank", NcclResult.InvalidUsage, "invalid usage"));
        Assert.Equal("ncclAllReduce failed: (ncclSystemError, 2)", NcclLibrary.Describe("ncclAllReduce", NcclResult.SystemError, null));
        Assert.Equal("ncclAllReduce failed: (unknown ncclResult_t, 42)", NcclLibrary.Describe("ncclAllReduce", (NcclResult)42, ""));
    }

    [Fact]
    public void A_missing_nccl_library_is_reported_as_absent_not_thrown()
    {
        Assert.Null(NcclLibrary.TryLoad("libnccl-not-installed.so.2"));
    }
}
