using GpuNet.Backends;
using GpuNet.Nn;

namespace GpuNet.Optim;

/// <summary>
/// torch.optim.SGD (see <see cref="SgdParams"/>). Its momentum buffer is one flat buffer beside the parameters, made only
/// when the momentum is not 0 (PyTorch's <c>momentum_buffer</c> exists only then). In checkpoints it keeps the
/// parameters' names (layers.{i}.weight), as every saved SGD run has them; without momentum those tensors are zeros.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly SgdParams _settings;
    private readonly DeviceBuffer<float>? _velocity;
    private readonly GradientClipping _clipping;

    public Sgd(IBackend backend, Network network, float momentum, float weightDecay, bool nesterov, float clipNorm = 0f)
    {
        _backend = backend;
        _network = network;
        _settings = new SgdParams(0f, momentum, weightDecay, nesterov);
        _velocity = momentum != 0f ? backend.Allocate<float>(network.Parameters.Length) : null;
        try
        {
            _clipping = new GradientClipping(backend, clipNorm);
        }
        catch
        {
            _velocity?.Dispose(); // the clipping buffer's allocation failed (device memory): the velocity must not leak
            throw;
        }
    }

    public OptimizerKind Kind => OptimizerKind.Sgd;

    public long Steps { get; set; }

    public IReadOnlyList<DeviceBuffer<float>> StateBuffers => _velocity is null ? [] : [_velocity];

    public void Step(float learningRate)
    {
        var scale = _clipping.Scale(_network.Gradients);
        _backend.SgdUpdate(_network.Parameters, _network.Gradients, _velocity, _network.Parameters.Length, _settings with { LearningRate = learningRate }, scale);
        Steps++;
    }

    public IReadOnlyList<NamedTensor> ExportState() => _velocity is null
        ? ParameterNames.Of(_network.Spec).Select(p => new NamedTensor(p.Name, p.Shape, new float[p.Shape.Aggregate(1, (a, b) => a * b)])).ToArray()
        : _network.ExportFlat(_velocity, static (_, name) => name);

    public void ImportState(IReadOnlyList<NamedTensor> tensors, long steps)
    {
        // Without momentum the saved buffers are never read (a run saved by older builds has them, zero).
        if (_velocity is not null)
            _network.ImportFlat(tensors, _velocity, static (_, name) => name, name => $"tensor {name}");
        Steps = steps;
    }

    public void Dispose()
    {
        _velocity?.Dispose();
        _clipping.Dispose();
    }
}
