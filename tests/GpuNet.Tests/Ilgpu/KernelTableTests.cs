namespace GpuNet.Tests.Ilgpu;

/// <summary>The PTX that CI assembles is the PTX of exactly the kernels the backend loads.</summary>
public sealed class KernelTableTests
{
    /// <summary>Every entry of the table loads with its launcher type (a type that does not match the kernel's parameters throws here).</summary>
    [Fact]
    public void The_backend_loads_every_kernel_of_the_table_with_its_launcher_type()
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
