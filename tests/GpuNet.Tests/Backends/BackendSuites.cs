namespace GpuNet.Tests.Backends;

// The shared backend suite once per device of TestDevices.Ids, each with its own fixture (xunit
// shares a fixture per type). A device added to the registry gets a line here.

public sealed class CpuBackendFixture() : BackendFixture("cpu");

public sealed class CpuBackendTests(CpuBackendFixture fixture) : BackendContractTests(fixture), IClassFixture<CpuBackendFixture>;

public sealed class CpuVector512BackendFixture() : BackendFixture("cpu-avx512");

public sealed class CpuVector512BackendTests(CpuVector512BackendFixture fixture) : BackendContractTests(fixture), IClassFixture<CpuVector512BackendFixture>;

public sealed class CpuVector256BackendFixture() : BackendFixture("cpu-avx2");

public sealed class CpuVector256BackendTests(CpuVector256BackendFixture fixture) : BackendContractTests(fixture), IClassFixture<CpuVector256BackendFixture>;

public sealed class IlgpuCpuBackendFixture() : BackendFixture("ilgpu-cpu");

public sealed class IlgpuCpuBackendTests(IlgpuCpuBackendFixture fixture) : BackendContractTests(fixture), IClassFixture<IlgpuCpuBackendFixture>;

public sealed class OpenClBackendFixture() : BackendFixture("opencl:0");

public sealed class OpenClBackendTests(OpenClBackendFixture fixture) : BackendContractTests(fixture), IClassFixture<OpenClBackendFixture>;

public sealed class CudaBackendFixture() : BackendFixture("cuda:0");

public sealed class CudaBackendTests(CudaBackendFixture fixture) : BackendContractTests(fixture), IClassFixture<CudaBackendFixture>;
