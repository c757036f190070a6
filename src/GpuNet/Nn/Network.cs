using GpuNet.Backends;
using GpuNet.Kernels;

namespace GpuNet.Nn;

/// <summary>
/// A model living on one backend: its layers, and activation and gradient buffers sized once
/// for the largest batch it will see, so a training step allocates nothing. Every method only
/// enqueues backend ops; nothing here waits for the device.
/// </summary>
public sealed class Network : IDisposable
{
    private readonly IBackend _backend;
    private readonly Linear[] _layers;
    private readonly DeviceBuffer<float>[] _outputs; // post-activation output of each layer, [MaxRows, Out]
    private readonly DeviceBuffer<float>[] _deltas;  // dLoss/d(pre-activation) of each layer, [MaxRows, Out]
    private readonly Dictionary<DeviceBuffer<float>, float[]> _gradientHost = []; // reused by GradientNorm

    public Network(IBackend backend, ModelSpec spec, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        BufferLimits.Check(Buffers(spec, maxRows));
        _backend = backend;
        Spec = spec;
        MaxRows = maxRows;
        _layers = spec.Layers.Select(l => new Linear(backend, l)).ToArray();
        _outputs = spec.Layers.Select(l => backend.Allocate<float>(checked(maxRows * l.Out))).ToArray();
        _deltas = spec.Layers.Select(l => backend.Allocate<float>(checked(maxRows * l.Out))).ToArray();
    }

    /// <summary>
    /// The 4-byte buffers a network of <paramref name="spec"/> for <paramref name="maxRows"/> rows allocates:
    /// per layer the weights, their gradient and momentum (3 × out × in, and 3 × out for the bias), and an output
    /// and a delta of maxRows × out. Checked with <see cref="BufferLimits.Check"/> before anything is allocated.
    /// </summary>
    public static IEnumerable<(string What, double Elements)> Buffers(ModelSpec spec, int maxRows) =>
        spec.Layers.SelectMany(l => new (string, double)[]
        {
            ($"a {l.In}-to-{l.Out} layer's weights", (double)l.In * l.Out),
            ($"a {l.In}-to-{l.Out} layer's weight gradient", (double)l.In * l.Out),
            ($"a {l.In}-to-{l.Out} layer's momentum", (double)l.In * l.Out),
            ($"a {l.Out}-unit layer's biases, gradient and momentum", 3.0 * l.Out),
            ($"a {l.Out}-unit layer's output for {maxRows} rows", (double)maxRows * l.Out),
            ($"a {l.Out}-unit layer's gradient for {maxRows} rows", (double)maxRows * l.Out),
        });

    public ModelSpec Spec { get; }
    public int MaxRows { get; }
    public IReadOnlyList<Linear> Layers => _layers;

    /// <summary>The last layer's output after the most recent <see cref="Forward"/>: logits [rows, Outputs].</summary>
    public DeviceBuffer<float> Logits => _outputs[^1];

    /// <summary>Seeds every layer's weights; each layer gets its own stream of the seed.</summary>
    public void Initialise(InitScheme scheme, int seed)
    {
        for (int i = 0; i < _layers.Length; i++)
            _layers[i].Initialise(_backend, scheme, CounterRandom.Hash((ulong)(uint)seed, (ulong)i));
    }

    /// <summary>Runs x [rows, Inputs] through every layer: out = f(in·Wᵀ + b).</summary>
    public void Forward(DeviceBuffer<float> x, int rows)
    {
        CheckRows(rows);
        var input = x;
        for (int i = 0; i < _layers.Length; i++)
        {
            var spec = _layers[i].Spec;
            _backend.Gemm(new GemmShape(TransA: false, TransB: true, M: rows, N: spec.Out, K: spec.In), input, _layers[i].Weight, _outputs[i]);
            _backend.BiasActivation(_outputs[i], _layers[i].Bias, rows, spec.Out, spec.Activation);
            input = _outputs[i];
        }
    }

    /// <summary>
    /// The loss head on the current logits: accumulates per-row loss and correctness into
    /// <paramref name="stats"/> and, when <paramref name="withGradient"/>, writes the mean-reduced
    /// loss gradient into the last layer's delta.
    /// </summary>
    public void Loss(DeviceBuffer<int> labels, int rows, DeviceBuffer<float> stats, bool withGradient)
    {
        var grad = withGradient ? _deltas[^1] : null;
        float scale = 1f / rows;
        if (Spec.Kind == ModelKind.Logistic)
            _backend.SigmoidBinaryCrossEntropy(Logits, labels, rows, grad, scale, stats);
        else
            _backend.SoftmaxCrossEntropy(Logits, labels, rows, Spec.Classes, grad, scale, stats);
    }

    /// <summary>
    /// Backpropagates the last layer's delta: dW = δᵀ·in, db = Σ_rows δ, and δ_prev = (δ·W) ∘ f'(out_prev).
    /// <paramref name="x"/> must be the input of the preceding <see cref="Forward"/>.
    /// </summary>
    public void Backward(DeviceBuffer<float> x, int rows)
    {
        CheckRows(rows);
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var layer = _layers[i];
            var spec = layer.Spec;
            var input = i == 0 ? x : _outputs[i - 1];
            _backend.Gemm(new GemmShape(TransA: true, TransB: false, M: spec.Out, N: spec.In, K: rows), _deltas[i], input, layer.WeightGrad);
            _backend.ColumnSums(_deltas[i], rows, spec.Out, layer.BiasGrad);
            if (i == 0) continue;
            _backend.Gemm(new GemmShape(TransA: false, TransB: false, M: rows, N: spec.In, K: spec.Out), _deltas[i], layer.Weight, _deltas[i - 1]);
            _backend.ActivationBackward(_deltas[i - 1], _outputs[i - 1], _deltas[i - 1], rows * spec.In, _layers[i - 1].Spec.Activation);
        }
    }

    /// <summary>One SGD step on every parameter tensor, from the gradients of the last <see cref="Backward"/>.</summary>
    public void Step(in SgdParams sgd)
    {
        foreach (var layer in _layers)
            _backend.SgdUpdatePair(layer.Weight, layer.WeightGrad, layer.WeightVelocity, layer.Bias, layer.BiasGrad, layer.BiasVelocity, sgd);
    }

    /// <summary>
    /// Forward, loss with gradient, backward and update: one minibatch of training. With
    /// <paramref name="clipNorm"/> &gt; 0 the gradients are first scaled so their global L2 norm is at
    /// most clipNorm (PyTorch's clip_grad_norm_); measuring the norm waits for the device once.
    /// </summary>
    public void TrainStep(DeviceBuffer<float> x, DeviceBuffer<int> labels, int rows, in SgdParams sgd, DeviceBuffer<float> stats, float clipNorm = 0f)
    {
        Forward(x, rows);
        Loss(labels, rows, stats, withGradient: true);
        Backward(x, rows);
        if (clipNorm > 0f)
        {
            double norm = GradientNorm();
            Step(norm > clipNorm ? sgd with { GradScale = (float)(clipNorm / (norm + 1e-6)) } : sgd);
        }
        else Step(sgd);
    }

    /// <summary>The global L2 norm of every gradient of the last <see cref="Backward"/> (waits for the device).</summary>
    public double GradientNorm()
    {
        double sumOfSquares = 0;
        foreach (var layer in _layers)
            foreach (var gradient in new[] { layer.WeightGrad, layer.BiasGrad })
            {
                var host = _gradientHost.TryGetValue(gradient, out var cached) ? cached : _gradientHost[gradient] = new float[gradient.Length];
                _backend.Download(gradient, host.AsSpan());
                foreach (float g in host) sumOfSquares += (double)g * g;
            }
        return Math.Sqrt(sumOfSquares);
    }

    /// <summary>
    /// Probabilities of the current logits, written into <paramref name="probabilities"/>: softmax rows
    /// [rows, Classes], or for logistic regression one column p = σ(z) = P(class 1).
    /// </summary>
    public void Probabilities(int rows, DeviceBuffer<float> probabilities)
    {
        if (Spec.Kind == ModelKind.Logistic)
            _backend.ActivationForward(Logits, probabilities, rows, Activation.Sigmoid);
        else
            _backend.Softmax(Logits, probabilities, rows, Spec.Classes);
    }

    /// <summary>Host copies of the parameters, named layers.{i}.weight [out, in] and layers.{i}.bias [out].</summary>
    public IReadOnlyList<NamedTensor> ExportParameters() => Export(l => (l.Weight, l.Bias));

    /// <summary>Host copies of the gradients of the last <see cref="Backward"/>, named like the parameters.</summary>
    public IReadOnlyList<NamedTensor> ExportGradients() => Export(l => (l.WeightGrad, l.BiasGrad));

    /// <summary>False when any weight or bias is NaN or infinite (waits for the device and copies the parameters to the host).</summary>
    public bool ParametersAreFinite() => ExportParameters().All(t => Array.TrueForAll(t.Data, float.IsFinite));

    /// <summary>Host copies of the SGD momentum buffers, named like the parameters (optimiser state for resuming).</summary>
    public IReadOnlyList<NamedTensor> ExportVelocities() => Export(l => (l.WeightVelocity, l.BiasVelocity));

    /// <summary>Uploads parameters by name; every tensor of the spec must be present with its exact shape.</summary>
    public void ImportParameters(IReadOnlyList<NamedTensor> tensors) => Import(tensors, l => (l.Weight, l.Bias));

    /// <summary>Uploads SGD momentum buffers by name, as written by <see cref="ExportVelocities"/>.</summary>
    public void ImportVelocities(IReadOnlyList<NamedTensor> tensors) => Import(tensors, l => (l.WeightVelocity, l.BiasVelocity));

    private void Import(IReadOnlyList<NamedTensor> tensors, Func<Linear, (DeviceBuffer<float> W, DeviceBuffer<float> B)> pick)
    {
        var byName = tensors.ToDictionary(t => t.Name);
        for (int i = 0; i < _layers.Length; i++)
        {
            var (w, b) = pick(_layers[i]);
            Upload(byName, $"layers.{i}.weight", w, [_layers[i].Spec.Out, _layers[i].Spec.In]);
            Upload(byName, $"layers.{i}.bias", b, [_layers[i].Spec.Out]);
        }
    }

    private void Upload(Dictionary<string, NamedTensor> byName, string name, DeviceBuffer<float> target, int[] shape)
    {
        if (!byName.TryGetValue(name, out var tensor))
            throw new DataException($"tensor {name} is missing (the model {Spec.Describe()} needs it)");
        if (!tensor.Shape.SequenceEqual(shape))
            throw new DataException($"tensor {name} has shape [{string.Join(", ", tensor.Shape)}], the model {Spec.Describe()} needs [{string.Join(", ", shape)}]");
        _backend.Upload<float>(tensor.Data, target);
    }

    private NamedTensor[] Export(Func<Linear, (DeviceBuffer<float> W, DeviceBuffer<float> B)> pick)
    {
        var result = new List<NamedTensor>();
        for (int i = 0; i < _layers.Length; i++)
        {
            var (w, b) = pick(_layers[i]);
            var spec = _layers[i].Spec;
            var wData = new float[w.Length];
            var bData = new float[b.Length];
            _backend.Download(w, wData.AsSpan());
            _backend.Download(b, bData.AsSpan());
            result.Add(new NamedTensor($"layers.{i}.weight", [spec.Out, spec.In], wData));
            result.Add(new NamedTensor($"layers.{i}.bias", [spec.Out], bData));
        }
        return result.ToArray();
    }

    private void CheckRows(int rows)
    {
        if (rows < 1 || rows > MaxRows)
            throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} rows, but buffers hold 1..{MaxRows}");
    }

    public void Dispose()
    {
        foreach (var l in _layers) l.Dispose();
        foreach (var b in _outputs) b.Dispose();
        foreach (var b in _deltas) b.Dispose();
    }
}
