using GpuNet.Backends;
using GpuNet.Nn;

namespace GpuNet.Optim;

/// <summary>
/// torch.optim.Adam and AdamW (see <see cref="AdamParams"/>): the first and second moments of every parameter
/// tensor live here, named as in PyTorch's <c>optimizer.state_dict()</c>: parameter k (in state-dict order,
/// layers.0.weight = 0, layers.0.bias = 1, …) has <c>state.{k}.exp_avg</c> and <c>state.{k}.exp_avg_sq</c>.
/// Each step is one fused launch per layer; the bias corrections come from the host's step count.
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly AdamParams _settings;
    private readonly DeviceBuffer<float>[] _expAvg, _expAvgSq; // per parameter tensor, state-dict order

    public Adam(IBackend backend, Network network, double beta1, double beta2, float eps, float weightDecay, bool decoupled)
    {
        _backend = backend;
        _network = network;
        _settings = new AdamParams(0f, beta1, beta2, eps, weightDecay, decoupled, Step: 0);
        var lengths = network.Layers.SelectMany(l => new[] { l.Weight.Length, l.Bias.Length }).ToArray();
        _expAvg = Array.ConvertAll(lengths, backend.Allocate<float>);
        _expAvgSq = Array.ConvertAll(lengths, backend.Allocate<float>);
    }

    public OptimizerKind Kind => _settings.Decoupled ? OptimizerKind.AdamW : OptimizerKind.Adam;

    public long Steps { get; private set; }

    public void Step(float learningRate, float gradScale = 1f)
    {
        Steps++;
        var adam = _settings with { LearningRate = learningRate, Step = Steps, GradScale = gradScale };
        for (int i = 0; i < _network.Layers.Count; i++)
        {
            var layer = _network.Layers[i];
            _backend.AdamUpdatePair(layer.Weight, layer.WeightGrad, _expAvg[2 * i], _expAvgSq[2 * i],
                layer.Bias, layer.BiasGrad, _expAvg[2 * i + 1], _expAvgSq[2 * i + 1], adam);
        }
    }

    /// <summary>The state tensors a network of <paramref name="spec"/> has, by name and shape, in the order they are saved.</summary>
    public static IEnumerable<(string Name, int[] Shape)> StateShapes(ModelSpec spec) =>
        ParameterNames.Of(spec).SelectMany((p, k) => new[] { ($"state.{k}.exp_avg", p.Shape), ($"state.{k}.exp_avg_sq", p.Shape) });

    public IReadOnlyList<NamedTensor> ExportState()
    {
        var result = new List<NamedTensor>();
        foreach (var ((name, shape), buffer) in StateShapes(_network.Spec).Zip(Buffers()))
        {
            var data = new float[buffer.Length];
            _backend.Download(buffer, data.AsSpan());
            result.Add(new NamedTensor(name, shape, data));
        }
        return result;
    }

    public void ImportState(IReadOnlyList<NamedTensor> tensors, long steps)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var ((name, shape), buffer) in StateShapes(_network.Spec).Zip(Buffers()))
        {
            if (!byName.TryGetValue(name, out var tensor))
                throw new DataException($"optimizer state {name} is missing ({Kind} needs it for the model {_network.Spec.Describe()})");
            if (!tensor.Shape.SequenceEqual(shape))
                throw new DataException($"optimizer state {name} has shape [{string.Join(", ", tensor.Shape)}], the model {_network.Spec.Describe()} needs [{string.Join(", ", shape)}]");
            _backend.Upload<float>(tensor.Data, buffer);
        }
        Steps = steps;
    }

    /// <summary>exp_avg and exp_avg_sq of each parameter tensor in turn: the order of <see cref="StateShapes"/>.</summary>
    private IEnumerable<DeviceBuffer<float>> Buffers() => _expAvg.Zip(_expAvgSq).SelectMany(p => new[] { p.First, p.Second });

    public void Dispose()
    {
        foreach (var b in _expAvg) b.Dispose();
        foreach (var b in _expAvgSq) b.Dispose();
    }
}
