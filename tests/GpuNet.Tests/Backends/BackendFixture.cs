namespace GpuNet.Tests.Backends;

/// <summary>
/// One backend of <see cref="TestDevices"/> shared by all tests of a class. A fixture whose device
/// is absent holds a <see cref="SkipReason"/> instead, and every test of its class skips with it.
/// </summary>
public abstract class BackendFixture : IDisposable
{
    private IlgpuBackend? _wideSimulator;

    protected BackendFixture(string device)
    {
        Device = device;
        Backend = TestDevices.TryOpen(device, out string? missing);
        SkipReason = missing;
    }

    public string Device { get; }

    public IBackend? Backend { get; }

    public string? SkipReason { get; }

    /// <summary>
    /// A backend of this device running GEMM rung <paramref name="rung"/>, or null with the reason
    /// it has none: only ILGPU backends have rungs, and a device whose thread groups are too small
    /// for a rung cannot launch it. On ilgpu-cpu such a rung runs on a simulator with wider groups
    /// (opened once), so every rung is checked on every machine.
    /// </summary>
    public IlgpuBackend? ForRung(GemmKernel rung, out string? reason)
    {
        reason = null;
        if (Backend is not IlgpuBackend ilgpu)
        {
            reason = $"{Device} has one GEMM; rungs are the ILGPU kernels'";
            return null;
        }
        foreach (var candidate in new[] { ilgpu, Device == "ilgpu-cpu" ? _wideSimulator ??= DeviceCatalog.OpenIlgpuCpu(GemmKernel.Tiled16) : null })
        {
            if (candidate is null)
                continue;
            try
            {
                candidate.GemmKernel = rung;
                return candidate;
            }
            catch (NotSupportedException e)
            {
                reason = $"{Device} cannot launch {rung}: {e.Message}";
            }
        }
        return null;
    }

    public void Dispose()
    {
        Backend?.Dispose();
        _wideSimulator?.Dispose();
        GC.SuppressFinalize(this);
    }
}
