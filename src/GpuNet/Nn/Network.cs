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
    private DeviceBuffer<float>[]? _dropped;         // hidden outputs after dropout, allocated by the first step that drops
    private float[]? _gradientHost; // reused by GradientNorm

    public Network(IBackend backend, ModelSpec spec, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        BufferLimits.Check(Buffers(spec, maxRows));
        _backend = backend;
        Spec = spec;
        MaxRows = maxRows;
        Gradients = backend.Allocate<float>(checked((int)spec.ParameterCount));
        int offset = 0;
        _layers = new Linear[spec.Layers.Count];
        for (int i = 0; i < _layers.Length; i++)
        {
            var l = spec.Layers[i];
            _layers[i] = new Linear(backend, l, Gradients.Slice(offset, l.Out * l.In + l.Out));
            offset += l.Out * l.In + l.Out;
        }
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
        }).Append(("the gradients of every layer (one buffer)", spec.ParameterCount));

    public ModelSpec Spec { get; }
    public int MaxRows { get; }

    /// <summary>Rows [0, count) in chunks of <see cref="MaxRows"/>: how evaluation and prediction cover a whole set.</summary>
    public RowChunks Chunks(int count) => new(0, count, MaxRows);

    /// <summary>Rows [first, first + count) in chunks of <see cref="MaxRows"/>: one rank's share of a set.</summary>
    public RowChunks Chunks(int first, int count) => new(first, count, MaxRows);

    /// <summary>
    /// Every gradient of the last <see cref="Backward"/> in one contiguous buffer, layer by layer (dW, then db), in
    /// state-dict order: a data-parallel step sums it across ranks in one all-reduce instead of one per tensor.
    /// </summary>
    public DeviceBuffer<float> Gradients { get; }
    public IReadOnlyList<Linear> Layers => _layers;

    /// <summary>The last layer's output after the most recent <see cref="Forward"/>: logits [rows, Outputs].</summary>
    public DeviceBuffer<float> Logits => _outputs[^1];

    /// <summary>Seeds every layer's weights; each layer gets its own stream of the seed.</summary>
    public void Initialise(InitScheme scheme, int seed)
    {
        for (int i = 0; i < _layers.Length; i++)
            _layers[i].Initialise(_backend, scheme, CounterRandom.Hash((ulong)(uint)seed, (ulong)i));
    }

    /// <summary>
    /// Runs x [rows, Inputs] through every layer: out = f(in·Wᵀ + b). With <paramref name="dropout"/> (training only)
    /// each hidden layer's output is dropped before it feeds the next layer; its undropped output is kept for backward.
    /// </summary>
    public void Forward(DeviceBuffer<float> x, int rows, DropoutStep? dropout = null)
    {
        CheckRows(rows);
        var input = x;
        for (int i = 0; i < _layers.Length; i++)
        {
            var spec = _layers[i].Spec;
            _backend.Gemm(new GemmShape(TransA: false, TransB: true, M: rows, N: spec.Out, K: spec.In), input, _layers[i].Weight, _outputs[i]);
            _backend.BiasActivation(_outputs[i], _layers[i].Bias, rows, spec.Out, spec.Activation);
            if (dropout is { } d && i < _layers.Length - 1)
                _backend.Dropout(_outputs[i], Dropped(i), rows * spec.Out, d.Probability, d.LayerSeed(i));
            input = LayerOutput(i, dropout);
        }
    }

    /// <summary>What layer <paramref name="i"/> fed forward: its output, or for a hidden layer under dropout the dropped copy.</summary>
    private DeviceBuffer<float> LayerOutput(int i, DropoutStep? dropout) =>
        dropout is not null && i < _layers.Length - 1 ? Dropped(i) : _outputs[i];

    private DeviceBuffer<float> Dropped(int i)
    {
        _dropped ??= _layers[..^1].Select(l => _backend.Allocate<float>(checked(MaxRows * l.Spec.Out))).ToArray();
        return _dropped[i];
    }

    /// <summary>
    /// The loss head on the current logits: accumulates per-row loss and correctness into
    /// <paramref name="stats"/> and, when <paramref name="withGradient"/>, writes the mean-reduced
    /// loss gradient into the last layer's delta.
    /// </summary>
    /// With <paramref name="weights"/> the loss is class-weighted (see <see cref="LossWeights"/>).
    /// Unweighted, the gradient is the mean over <paramref name="meanOver"/> rows (default: <paramref name="rows"/>): a data-parallel
    /// rank passes its global batch's rows, so the ranks' gradients sum to the global mean.
    public void Loss(DeviceBuffer<int> labels, int rows, DeviceBuffer<float> stats, bool withGradient, LossWeights? weights = null, int? meanOver = null)
    {
        var grad = withGradient ? _deltas[^1] : null;
        if (weights is { } w)
        {
            if (Spec.Kind == ModelKind.Logistic)
                _backend.WeightedSigmoidBinaryCrossEntropy(Logits, labels, w.ClassWeights, rows, grad, w.GradScale, stats);
            else
                _backend.WeightedSoftmaxCrossEntropy(Logits, labels, w.ClassWeights, rows, Spec.Classes, grad, w.GradScale, stats);
            return;
        }
        float scale = 1f / (meanOver ?? rows);
        if (Spec.Kind == ModelKind.Logistic)
            _backend.SigmoidBinaryCrossEntropy(Logits, labels, rows, grad, scale, stats);
        else
            _backend.SoftmaxCrossEntropy(Logits, labels, rows, Spec.Classes, grad, scale, stats);
    }

    /// <summary>
    /// Backpropagates the last layer's delta: dW = δᵀ·in, db = Σ_rows δ, and δ_prev = (δ·W) ∘ mask/(1 − p) ∘ f'(out_prev),
    /// the dropout factor only with <paramref name="dropout"/>. <paramref name="x"/> and <paramref name="dropout"/> must
    /// be those of the preceding <see cref="Forward"/>: backward draws the same masks again.
    /// </summary>
    public void Backward(DeviceBuffer<float> x, int rows, DropoutStep? dropout = null)
    {
        CheckRows(rows);
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var layer = _layers[i];
            var spec = layer.Spec;
            var input = i == 0 ? x : LayerOutput(i - 1, dropout);
            _backend.Gemm(new GemmShape(TransA: true, TransB: false, M: spec.Out, N: spec.In, K: rows), _deltas[i], input, layer.WeightGrad);
            _backend.ColumnSums(_deltas[i], rows, spec.Out, layer.BiasGrad);
            if (i == 0) continue;
            _backend.Gemm(new GemmShape(TransA: false, TransB: false, M: rows, N: spec.In, K: spec.Out), _deltas[i], layer.Weight, _deltas[i - 1]);
            if (dropout is { } d)
                _backend.Dropout(_deltas[i - 1], _deltas[i - 1], rows * spec.In, d.Probability, d.LayerSeed(i - 1));
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
    /// Forward, loss with gradient, backward and an SGD update: one minibatch of training. With
    /// <paramref name="clipNorm"/> &gt; 0 the gradients are first scaled so their global L2 norm is at
    /// most clipNorm (PyTorch's clip_grad_norm_); measuring the norm waits for the device once.
    /// </summary>
    public void TrainStep(DeviceBuffer<float> x, DeviceBuffer<int> labels, int rows, in SgdParams sgd, DeviceBuffer<float> stats, float clipNorm = 0f)
    {
        ComputeGradients(x, labels, rows, stats, dropout: null);
        Step(sgd with { GradScale = sgd.GradScale * ClipScale(clipNorm) });
    }

    /// <summary>
    /// The first half of a step with any optimiser (the second is <see cref="Update"/>; a data-parallel step sums
    /// <see cref="Gradients"/> across ranks between the two): forward, loss and backward into <see cref="Gradients"/>,
    /// with dropout on the hidden layers when <paramref name="dropout"/> is given, the loss gradient a mean over
    /// <paramref name="meanOver"/> rows (see <see cref="Loss"/>). PyTorch's order: backward, then clip_grad_norm_, then
    /// optimizer.step() at the scheduled rate.
    /// </summary>
    public void ComputeGradients(DeviceBuffer<float> x, DeviceBuffer<int> labels, int rows, DeviceBuffer<float> stats, DropoutStep? dropout,
        LossWeights? weights = null, int? meanOver = null)
    {
        Forward(x, rows, dropout);
        Loss(labels, rows, stats, withGradient: true, weights, meanOver);
        Backward(x, rows, dropout);
    }

    /// <summary>The second half: clip <see cref="Gradients"/> by their global norm when <paramref name="clipNorm"/> &gt; 0, then one optimiser step.</summary>
    public void Update(Optim.IOptimizer optimizer, float learningRate, float clipNorm) => optimizer.Step(learningRate, ClipScale(clipNorm));

    /// <summary>1, or with <paramref name="clipNorm"/> &gt; 0 the factor clip_grad_norm_ scales the gradients by (waits for the device).</summary>
    private float ClipScale(float clipNorm)
    {
        if (clipNorm <= 0f) return 1f;
        double norm = GradientNorm();
        return norm > clipNorm ? (float)(clipNorm / (norm + 1e-6)) : 1f;
    }

    /// <summary>The global L2 norm of every gradient of the last <see cref="Backward"/> (waits for the device).</summary>
    public double GradientNorm()
    {
        _gradientHost ??= new float[Gradients.Length];
        _backend.Download(Gradients, _gradientHost.AsSpan());
        double sumOfSquares = 0;
        foreach (float g in _gradientHost) sumOfSquares += (double)g * g;
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
            Upload(byName, ParameterNames.Weight(i), w, [_layers[i].Spec.Out, _layers[i].Spec.In]);
            Upload(byName, ParameterNames.Bias(i), b, [_layers[i].Spec.Out]);
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
            result.Add(new NamedTensor(ParameterNames.Weight(i), [spec.Out, spec.In], wData));
            result.Add(new NamedTensor(ParameterNames.Bias(i), [spec.Out], bData));
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
        Gradients.Dispose();
        foreach (var b in _outputs) b.Dispose();
        foreach (var b in _deltas) b.Dispose();
        foreach (var b in _dropped ?? []) b.Dispose();
    }
}
