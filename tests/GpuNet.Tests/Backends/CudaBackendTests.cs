using GpuNet.Devices;

namespace GpuNet.Tests.Backends;

public sealed class CudaBackendFixture : BackendFixture
{
    public CudaBackendFixture()
    {
        try
        {
            Backend = DeviceCatalog.Open("cuda:0", out _);
        }
        catch (GpuNetException e)
        {
            SkipReason = $"no CUDA device ({e.Message})";
        }
    }
}

public sealed class CudaBackendTests(CudaBackendFixture fixture) : BackendContractTests(fixture), IClassFixture<CudaBackendFixture>;
