using GpuNet.Backends;
using GpuNet.Nn;

namespace GpuNet.Optim;

/// <summary>
/// torch.optim.Adam and AdamW (see <see cref="AdamParams"/>): the first and second moments are two flat buffers beside
/// the parameters, saved under PyTorch's <c>optimizer.state_dict()</c> names: parameter k (in state-dict order,
/// layers.0.weight = 0, layers.0.bias = 1, …) has <c>state.{k}.exp_avg</c> and <c>state.{k}.exp_avg_sq</c>.
/// Each step is one launch over every parameter; the bias corrections come from the host's step count.
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly AdamParams _settings;
    private readonly DeviceBuffer<float> _expAvg, _expAvgSq;
    private readonly GradientClipping _clipping;

    public Adam(IBackend backend, Network network, double beta1, double beta2, float eps, float weightDecay, bool decoupled, float clipNorm = 0f)
    {
        _backend = backend;
        _network = network;
        _settings = new AdamParams(0f, beta1, beta2, eps, weightDecay, decoupled, Step: 0);
        try
        {
            _expAvg = backend.Allocate<float>(network.Parameters.Length);
            _expAvgSq = backend.Allocate<float>(network.Parameters.Length);
            _clipping = new GradientClipping(backend, clipNorm);
        }
        catch
        {
            Dispose(); // an allocation that fails (device memory) must not leak the buffers allocated before it
            throw;
        }
    }

    public OptimizerKind Kind => _settings.Decoupled ? OptimizerKind.AdamW : OptimizerKind.Adam;

    public long Steps { get; set; }

    public IReadOnlyList<DeviceBuffer<float>> StateBuffers => [_expAvg, _expAvgSq];

    public void Step(float learningRate)
    {
        Steps++;
        var scale = _clipping.Scale(_network.Gradients);
        _backend.AdamUpdate(_network.Parameters, _network.Gradients, _expAvg, _expAvgSq, _network.Parameters.Length,
            _settings with { LearningRate = learningRate, Step = Steps }, scale);
    }

    /// <summary>The state tensors a network of <paramref name="spec"/> has, by name and shape, in the order they are saved.</summary>
    public static IEnumerable<(string Name, int[] Shape)> StateShapes(ModelSpec spec) =>
        ParameterNames.Of(spec).SelectMany((p, k) => new[] { (ExpAvgName(k), p.Shape), (ExpAvgSqName(k), p.Shape) });

    private static string ExpAvgName(int k) => $"state.{k}.exp_avg";
    private static string ExpAvgSqName(int k) => $"state.{k}.exp_avg_sq";

    public IReadOnlyList<NamedTensor> ExportState()
    {
        var m = _network.ExportFlat(_expAvg, static (k, _) => ExpAvgName(k));
        var v = _network.ExportFlat(_expAvgSq, static (k, _) => ExpAvgSqName(k));
        return m.Zip(v).SelectMany(p => new[] { p.First, p.Second }).ToArray();
    }

    public void ImportState(IReadOnlyList<NamedTensor> tensors, long steps)
    {
        _network.ImportFlat(tensors, _expAvg, static (k, _) => ExpAvgName(k), Describe);
        _network.ImportFlat(tensors, _expAvgSq, static (k, _) => ExpAvgSqName(k), Describe);
        Steps = steps;
    }

    private string Describe(string name) => $"optimizer state {name} ({Kind})";

    public void Dispose()
    {
        // ?.: a constructor that failed part-way calls this with the later fields still null
        _expAvg?.Dispose();
        _expAvgSq?.Dispose();
        _clipping?.Dispose();
    }
}
