using GpuNet.Backends;
using GpuNet.Backends.Ilgpu;
using GpuNet.Devices;
using GpuNet.Kernels;

namespace GpuNet.Tests.Ilgpu;

/// <summary>
/// One ILGPU backend per test class (accelerator creation and kernel compilation are the
/// slow part), or a reason why this machine has none. Every kernel rung is loaded by the
/// backend, so tests switch <see cref="IlgpuBackend.GemmKernel"/> instead of reopening.
/// </summary>
public abstract class IlgpuFixture : IDisposable
{
    protected IlgpuFixture(Func<IlgpuBackend?> open, string missing, bool required)
    {
        try
        {
            Backend = open();
            if (Backend is null)
                SkipReason = missing;
        }
        catch (GpuNetException e)
        {
            SkipReason = $"{missing}: {e.Message}";
        }
        Required = required;
    }

    public IlgpuBackend? Backend { get; }
    public string? SkipReason { get; }
    /// <summary>When set, a missing device fails the test instead of skipping it (CI).</summary>
    public bool Required { get; }

    /// <summary>The backend, or skips (fails when <see cref="Required"/>) the calling test.</summary>
    public IlgpuBackend Get()
    {
        if (Backend is not null)
            return Backend;
        if (Required)
            Assert.Fail($"{SkipReason} (required by the environment)");
        Assert.Skip(SkipReason ?? "no device");
        throw new InvalidOperationException("unreachable");
    }

    public void Dispose()
    {
        Backend?.Dispose();
        GC.SuppressFinalize(this);
    }

    internal static IlgpuBackend? OpenFirst(DeviceKind kind)
    {
        var info = DeviceCatalog.Discover().FirstOrDefault(d => d.Kind == kind && d.Usable);
        if (info is null)
            return null;
        var spec = DeviceSpec.Parse(info.Id);
        return (IlgpuBackend)DeviceCatalog.Open(spec, gemm: null);
    }
}

/// <summary>The 256-thread-group simulator, so that every GEMM rung (Tiled16 included) can run.</summary>
public sealed class IlgpuCpuFixture() : IlgpuFixture(() => DeviceCatalog.OpenIlgpuCpu(GemmKernel.Tiled16), "ilgpu-cpu unavailable", required: true);

public sealed class OpenCLFixture : IlgpuFixture
{
    public OpenCLFixture() : base(OpenWithPocl, "no usable OpenCL device (PoCL or GPU)",
        Environment.GetEnvironmentVariable("GPUNET_REQUIRE_OPENCL") == "1")
    {
    }

    private static IlgpuBackend? OpenWithPocl()
    {
        // Opt in to PoCL inside the test process, before discovery (it is read per call).
        Environment.SetEnvironmentVariable(PoclOptIn.EnvironmentVariable, "1");
        return OpenFirst(DeviceKind.OpenCL);
    }
}

public sealed class CudaFixture() : IlgpuFixture(() => OpenFirst(DeviceKind.Cuda), "no CUDA device", required: false);
