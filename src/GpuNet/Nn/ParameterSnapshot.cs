using GpuNet.Backends;

namespace GpuNet.Nn;

/// <summary>
/// A device-side copy of a network's weights and biases (early stopping keeps the best epoch's
/// weights here). Taking and restoring a snapshot are device copies: no host round trip.
/// </summary>
public sealed class ParameterSnapshot : IDisposable
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly DeviceBuffer<float>[] _copies;

    public ParameterSnapshot(IBackend backend, Network network)
    {
        _backend = backend;
        _network = network;
        _copies = Tensors(network).Select(t => backend.Allocate<float>(t.Length)).ToArray();
        Take();
    }

    /// <summary>Copies the network's current parameters into the snapshot.</summary>
    public void Take()
    {
        var tensors = Tensors(_network);
        for (int i = 0; i < tensors.Length; i++) _backend.Copy(tensors[i], _copies[i], tensors[i].Length);
    }

    /// <summary>Copies the snapshot back into the network.</summary>
    public void Restore()
    {
        var tensors = Tensors(_network);
        for (int i = 0; i < tensors.Length; i++) _backend.Copy(_copies[i], tensors[i], tensors[i].Length);
    }

    private static DeviceBuffer<float>[] Tensors(Network network) =>
        network.Layers.SelectMany(l => new[] { l.Weight, l.Bias }).ToArray();

    public void Dispose()
    {
        foreach (var copy in _copies) copy.Dispose();
    }
}
