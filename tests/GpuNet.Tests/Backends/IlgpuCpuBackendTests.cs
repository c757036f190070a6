using GpuNet.Devices;

namespace GpuNet.Tests.Backends;

/// <summary>ILGPU's CPU accelerator is always there, so this class never skips.</summary>
public sealed class IlgpuCpuBackendFixture : BackendFixture
{
    public IlgpuCpuBackendFixture() => Backend = DeviceCatalog.Open("ilgpu-cpu", out _);
}

public sealed class IlgpuCpuBackendTests(IlgpuCpuBackendFixture fixture) : BackendContractTests(fixture), IClassFixture<IlgpuCpuBackendFixture>;
