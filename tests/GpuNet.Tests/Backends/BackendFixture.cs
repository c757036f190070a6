using GpuNet.Backends;

namespace GpuNet.Tests.Backends;

/// <summary>
/// One backend shared by all tests of a class. A fixture whose device is absent holds a
/// <see cref="SkipReason"/> instead, and every test of its class skips with it.
/// </summary>
public abstract class BackendFixture : IDisposable
{
    public IBackend? Backend { get; protected init; }

    public string? SkipReason { get; protected init; }

    public void Dispose()
    {
        Backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
