using GpuNet.Backends.Cpu;

namespace GpuNet.Tests.Backends;

public sealed class CpuBackendFixture : BackendFixture
{
    public CpuBackendFixture() => Backend = new CpuBackend();
}

public sealed class CpuBackendTests(CpuBackendFixture fixture) : BackendContractTests(fixture), IClassFixture<CpuBackendFixture>;

/// <summary>
/// The AVX-512 GEMM kernel on every machine: without AVX-512 hardware .NET runs Vector512 in
/// software, slower but with the same results, so the kernel a Zen 4/5 host picks stays tested.
/// </summary>
public sealed class CpuVector512BackendFixture : BackendFixture
{
    public CpuVector512BackendFixture() => Backend = new CpuBackend(useVector512: true);
}

public sealed class CpuVector512BackendTests(CpuVector512BackendFixture fixture) : BackendContractTests(fixture), IClassFixture<CpuVector512BackendFixture>;
