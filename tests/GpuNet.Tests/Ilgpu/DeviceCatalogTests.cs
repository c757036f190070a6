using GpuNet.Cli;

namespace GpuNet.Tests.Ilgpu;

public sealed class IlgpuDeviceSpecTests
{
    [Theory]
    [InlineData("auto", DeviceSpecKind.Auto, 0)]
    [InlineData("CPU", DeviceSpecKind.Cpu, 0)]
    [InlineData(" ilgpu-cpu ", DeviceSpecKind.IlgpuCpu, 0)]
    [InlineData("cuda", DeviceSpecKind.Cuda, 0)]
    [InlineData("cuda:3", DeviceSpecKind.Cuda, 3)]
    [InlineData("opencl", DeviceSpecKind.OpenCL, 0)]
    [InlineData("OpenCL:12", DeviceSpecKind.OpenCL, 12)]
    public void ParsesValidSpecs(string text, DeviceSpecKind kind, int index)
    {
        var spec = DeviceSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(index, spec.Index);
    }

    [Theory]
    [InlineData("")]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:+1")]
    [InlineData("opencl:x")]
    [InlineData("opencl:1:2")]
    [InlineData("cpu:0")]
    [InlineData("cuda0")]
    public void RejectsMalformedSpecsAsUsageErrors(string text)
    {
        var e = Assert.Throws<UsageException>(() => DeviceSpec.Parse(text));
        Assert.Equal(ExitCodes.UsageError, ExitCodes.For(e));
        Assert.Contains($"'{text}'", e.Message);
        var viaOpen = Assert.Throws<UsageException>(() => DeviceCatalog.Open(text, out _));
        Assert.Equal(e.Message, viaOpen.Message);
    }

    [Fact]
    public void DiscoverAlwaysListsTheCpuDevicesFirst()
    {
        var devices = DeviceCatalog.Discover();
        Assert.Equal("cpu", devices[0].Id);
        Assert.Equal(DeviceKind.Cpu, devices[0].Kind);
        Assert.Equal("ilgpu-cpu", devices[1].Id);
        Assert.Equal(DeviceKind.IlgpuCpu, devices[1].Kind);
        Assert.Equal(devices.Count, devices.Select(d => d.Id).Distinct().Count());
        Assert.All(devices.Where(d => d.Kind == DeviceKind.OpenCL && !d.Usable && d.Details.Contains("PoCL")),
            d => Assert.Contains("GPUNET_OPENCL_POCL=1", d.Details));
    }

    [Fact]
    public void AutoFallsBackToCpuWithoutAGpu()
    {
        var devices = DeviceCatalog.Discover();
        bool gpu = devices.Any(d => d.Usable && (d.Kind == DeviceKind.Cuda || (d.Kind == DeviceKind.OpenCL && d.IsGpu)));
        using var backend = DeviceCatalog.Open("auto", out string notice);
        if (gpu)
        {
            Assert.StartsWith("auto: ", notice);
            Assert.DoesNotContain("using cpu", notice);
        }
        else
        {
            Assert.IsType<GpuNet.Backends.Cpu.CpuBackend>(backend);
            Assert.Equal("auto: no CUDA or OpenCL GPU found, using cpu", notice);
        }
    }

    [Fact]
    public void MissingDeviceListsTheDevicesThatAreThere()
    {
        // A device this machine lacks is a usage error: the option names something that is not there.
        var e = Assert.Throws<UsageException>(() => DeviceCatalog.Open("cuda:99", out _));
        Assert.Equal(ExitCodes.UsageError, ExitCodes.For(e));
        Assert.Contains("cuda:99", e.Message);
        Assert.Contains("cpu", e.Message);
        Assert.Contains("ilgpu-cpu", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void OpensIlgpuCpuByName()
    {
        using var backend = DeviceCatalog.Open("ilgpu-cpu", out string notice);
        Assert.Equal("ilgpu-cpu", backend.Device.Id);
        Assert.Contains("ilgpu-cpu", notice);
        Assert.Equal(GpuNet.Kernels.GemmKernel.Naive, ((GpuNet.Backends.Ilgpu.IlgpuBackend)backend).GemmKernel);
    }
}
