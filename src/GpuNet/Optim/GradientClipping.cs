using GpuNet.Backends;

namespace GpuNet.Optim;

/// <summary>
/// PyTorch's clip_grad_norm_ kept on the device, as PyTorch keeps it "to avoid a CPU &lt;=&gt; device synchronization":
/// <see cref="IBackend.ClipScale"/> reduces the gradients' norm in a fixed order into a one-element buffer, and the
/// optimiser's update reads its factor from there. Off (no buffer, no launch) when the clip norm is not above 0.
/// </summary>
public sealed class GradientClipping : IDisposable
{
    private readonly IBackend _backend;
    private readonly float _maxNorm;
    private readonly DeviceBuffer<float>? _scale;

    public GradientClipping(IBackend backend, float maxNorm)
    {
        _backend = backend;
        _maxNorm = maxNorm;
        _scale = maxNorm > 0f ? backend.Allocate<float>(1) : null;
    }

    /// <summary>Enqueues the factor of the current <paramref name="gradients"/> and returns the buffer holding it; null when clipping is off.</summary>
    public DeviceBuffer<float>? Scale(DeviceBuffer<float> gradients)
    {
        if (_scale is null) return null;
        _backend.ClipScale(gradients, gradients.Length, _maxNorm, _scale);
        return _scale;
    }

    public void Dispose() => _scale?.Dispose();
}
