namespace GpuNet.Tests.Ilgpu;

/// <summary>The PTX that CI assembles is the PTX of exactly the kernels the backend loads.</summary>
public sealed class KernelTableTests
{
    [Fact]
    public void The_backend_loads_exactly_the_kernels_of_the_table()
    {
        using var backend = DeviceCatalog.OpenIlgpuCpu();
        Assert.Equal(IlgpuKernels.All.Select(e => e.Name).Order(), backend.LoadedKernels.Select(e => e.Name).Order());
    }

    [Fact]
    public void Kernel_names_are_unique_file_names()
    {
        Assert.Equal(IlgpuKernels.All.Count, IlgpuKernels.All.Select(e => e.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(IlgpuKernels.All, e => Assert.Matches("^[A-Za-z0-9]+$", e.Name));
    }
}
