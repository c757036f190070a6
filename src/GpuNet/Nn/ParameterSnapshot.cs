using GpuNet.Backends;

namespace GpuNet.Nn;

/// <summary>
/// A device-side copy of a network's flat parameter buffer (early stopping keeps the best epoch's
/// weights here). Taking and restoring a snapshot is one device copy each: no host round trip.
/// </summary>
public sealed class ParameterSnapshot : IDisposable
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly DeviceBuffer<float> _copy;

    public ParameterSnapshot(IBackend backend, Network network)
    {
        _backend = backend;
        _network = network;
        _copy = backend.Allocate<float>(network.Parameters.Length);
        Take();
    }

    /// <summary>Copies the network's current parameters into the snapshot.</summary>
    public void Take() => _backend.Copy(_network.Parameters, _copy, _copy.Length);

    /// <summary>Copies the snapshot back into the network.</summary>
    public void Restore() => _backend.Copy(_copy, _network.Parameters, _copy.Length);

    public void Dispose() => _copy.Dispose();
}
