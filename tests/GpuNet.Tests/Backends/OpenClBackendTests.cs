using GpuNet.Devices;

namespace GpuNet.Tests.Backends;

/// <summary>
/// The first OpenCL device, PoCL's CPU device included (opted in here, before discovery). Skips
/// when there is none, unless GPUNET_REQUIRE_OPENCL=1: CI sets that so the OpenCL path cannot
/// silently stop running.
/// </summary>
public sealed class OpenClBackendFixture : BackendFixture
{
    public OpenClBackendFixture()
    {
        Environment.SetEnvironmentVariable("GPUNET_OPENCL_POCL", "1");
        try
        {
            Backend = DeviceCatalog.Open("opencl:0", out _);
        }
        catch (GpuNetException e) when (Environment.GetEnvironmentVariable("GPUNET_REQUIRE_OPENCL") != "1")
        {
            SkipReason = $"no OpenCL device ({e.Message}); set GPUNET_REQUIRE_OPENCL=1 to make this a failure";
        }
    }
}

public sealed class OpenClBackendTests(OpenClBackendFixture fixture) : BackendContractTests(fixture), IClassFixture<OpenClBackendFixture>;
