using GpuNet.Backends;
using GpuNet.Kernels;

namespace GpuNet.Nn;

/// <summary>
/// A model living on one backend: one flat parameter buffer and one flat gradient buffer in state-dict order (W then b,
/// layer by layer), whose slices are its layers, and activation buffers sized once for the largest batch it will see,
/// so a training step allocates nothing. It holds no optimiser state (that is <see cref="Optim.IOptimizer"/>'s).
/// Forward, loss and backward only enqueue backend ops; nothing there waits for the device.
/// </summary>
public sealed class Network : IDisposable
{
    private readonly IBackend _backend;
    private readonly Linear[] _layers;
    private readonly DeviceBuffer<float>[] _outputs; // post-activation output of each layer, [MaxRows, Out]
    private readonly DeviceBuffer<float>[] _deltas;  // dLoss/d(pre-activation) of each layer, [MaxRows, Out]
    private DeviceBuffer<float>[]? _dropped;         // hidden outputs after dropout, allocated by the first step that drops

    public Network(IBackend backend, ModelSpec spec, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        BufferLimits.Check(Buffers(spec, maxRows));
        _backend = backend;
        Spec = spec;
        MaxRows = maxRows;
        Parameters = backend.Allocate<float>(checked((int)spec.ParameterCount));
        Gradients = backend.Allocate<float>(Parameters.Length);
        int offset = 0;
        _layers = new Linear[spec.Layers.Count];
        for (int i = 0; i < _layers.Length; i++)
        {
            var l = spec.Layers[i];
            int length = l.Out * l.In + l.Out;
            _layers[i] = new Linear(l, Parameters.Slice(offset, length), Gradients.Slice(offset, length));
            offset += length;
        }
        _outputs = spec.Layers.Select(l => backend.Allocate<float>(checked(maxRows * l.Out))).ToArray();
        _deltas = spec.Layers.Select(l => backend.Allocate<float>(checked(maxRows * l.Out))).ToArray();
    }

    /// <summary>
    /// The 4-byte buffers a network of <paramref name="spec"/> for <paramref name="maxRows"/> rows allocates: the
    /// parameters and the gradients (one buffer each), and per layer an output and a delta of maxRows × out. The
    /// optimiser's state is its own (<see cref="Optim.Optimizers.StateBuffers"/>). Checked with
    /// <see cref="BufferLimits.Check"/> before anything is allocated.
    /// </summary>
    public static IEnumerable<(string What, double Elements)> Buffers(ModelSpec spec, int maxRows) =>
        spec.Layers.SelectMany(l => new (string, double)[]
        {
            ($"a {l.Out}-unit layer's output for {maxRows} rows", (double)maxRows * l.Out),
            ($"a {l.Out}-unit layer's gradient for {maxRows} rows", (double)maxRows * l.Out),
        }).Prepend(("the gradients of every layer (one buffer)", spec.ParameterCount))
          .Prepend(("the parameters of every layer (one buffer)", spec.ParameterCount));

    public ModelSpec Spec { get; }
    public int MaxRows { get; }

    /// <summary>Rows [0, count) in chunks of <see cref="MaxRows"/>: how evaluation and prediction cover a whole set.</summary>
    public RowChunks Chunks(int count) => new(0, count, MaxRows);

    /// <summary>Rows [first, first + count) in chunks of <see cref="MaxRows"/>: one rank's share of a set.</summary>
    public RowChunks Chunks(int first, int count) => new(first, count, MaxRows);

    /// <summary>Every weight and bias in one contiguous buffer, layer by layer (W, then b), in state-dict order; the layers are slices of it.</summary>
    public DeviceBuffer<float> Parameters { get; }

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
            _backend.Gemm(new GemmShape(TransA: false, TransB: true, M: rows, N: spec.Out, K: spec.In), input, _layers[i].Weight, _outputs[i],
                GemmEpilogue.BiasActivationOf(_layers[i].Bias, spec.Activation));
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
        float scale = weights?.GradScale ?? 1f / (meanOver ?? rows);
        if (Spec.Kind == ModelKind.Logistic)
            _backend.SigmoidBinaryCrossEntropy(Logits, labels, rows, grad, scale, stats, weights?.ClassWeights);
        else
            _backend.SoftmaxCrossEntropy(Logits, labels, rows, Spec.Classes, grad, scale, stats, weights?.ClassWeights);
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
            _backend.Gemm(new GemmShape(TransA: true, TransB: false, M: spec.Out, N: spec.In, K: rows), _deltas[i], input, layer.WeightGrad,
                GemmEpilogue.RowSumsOf(layer.BiasGrad));
            if (i == 0) continue;
            var inputGradient = new GemmShape(TransA: false, TransB: false, M: rows, N: spec.In, K: spec.Out);
            var previous = _layers[i - 1].Spec.Activation;
            if (dropout is { } d)
            {
                // The mask sits between the GEMM and f', so this layer's backward stays three ops.
                _backend.Gemm(inputGradient, _deltas[i], layer.Weight, _deltas[i - 1]);
                _backend.Dropout(_deltas[i - 1], _deltas[i - 1], rows * spec.In, d.Probability, d.LayerSeed(i - 1));
                _backend.ActivationBackward(_deltas[i - 1], _outputs[i - 1], _deltas[i - 1], rows * spec.In, previous);
            }
            else
                _backend.Gemm(inputGradient, _deltas[i], layer.Weight, _deltas[i - 1], GemmEpilogue.ActivationBackwardOf(_outputs[i - 1], previous));
        }
    }

    /// <summary>
    /// The first half of a step with any optimiser (the second is <see cref="Optim.IOptimizer.Step"/>; a data-parallel
    /// step sums <see cref="Gradients"/> across ranks between the two): forward, loss and backward into <see cref="Gradients"/>,
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
    public IReadOnlyList<NamedTensor> ExportParameters() => ExportFlat(Parameters, static (_, name) => name);

    /// <summary>Host copies of the gradients of the last <see cref="Backward"/>, named like the parameters.</summary>
    public IReadOnlyList<NamedTensor> ExportGradients() => ExportFlat(Gradients, static (_, name) => name);

    /// <summary>False when any weight or bias is NaN or infinite (waits for the device and copies the parameters to the host).</summary>
    public bool ParametersAreFinite() => ExportParameters().All(t => Array.TrueForAll(t.Data, float.IsFinite));

    /// <summary>Uploads parameters by name; every tensor of the spec must be present with its exact shape.</summary>
    public void ImportParameters(IReadOnlyList<NamedTensor> tensors) =>
        ImportFlat(tensors, Parameters, static (_, name) => name, name => $"tensor {name}");

    /// <summary>
    /// Host copies of <paramref name="flat"/>, a buffer laid out like <see cref="Parameters"/> (an optimiser's state),
    /// one tensor per parameter: parameter k (state-dict order) named <paramref name="name"/>(k, its name). Each tensor is
    /// downloaded from its slice into its own array, so the host never holds a second copy of the whole buffer.
    /// </summary>
    public IReadOnlyList<NamedTensor> ExportFlat(DeviceBuffer<float> flat, Func<int, string, string> name) =>
        Slices(flat).Select(t =>
        {
            var data = new float[t.Slice.Length];
            _backend.Download(t.Slice, data.AsSpan());
            return new NamedTensor(name(t.Index, t.Name), t.Shape, data);
        }).ToArray();

    /// <summary>
    /// Uploads tensors named as <see cref="ExportFlat"/> names them into their slices of <paramref name="flat"/>; each must be
    /// present with its parameter's exact shape (<paramref name="describe"/> names a tensor in the error).
    /// </summary>
    public void ImportFlat(IReadOnlyList<NamedTensor> tensors, DeviceBuffer<float> flat, Func<int, string, string> name, Func<string, string> describe)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var t in Slices(flat))
        {
            string key = name(t.Index, t.Name);
            if (!byName.TryGetValue(key, out var tensor))
                throw new DataException($"{describe(key)} is missing (the model {Spec.Describe()} needs it)");
            if (!tensor.Shape.SequenceEqual(t.Shape))
                throw new DataException($"{describe(key)} has shape [{string.Join(", ", tensor.Shape)}], the model {Spec.Describe()} needs [{string.Join(", ", t.Shape)}]");
            _backend.Upload<float>(tensor.Data, t.Slice);
        }
    }

    /// <summary>Parameter k's name, shape and slice of a buffer laid out like <see cref="Parameters"/>, in state-dict order.</summary>
    private IEnumerable<(int Index, string Name, int[] Shape, DeviceBuffer<float> Slice)> Slices(DeviceBuffer<float> flat)
    {
        int offset = 0, k = 0;
        foreach (var (name, shape) in ParameterNames.Of(Spec))
        {
            int length = shape.Aggregate(1, (a, b) => a * b);
            yield return (k++, name, shape, flat.Slice(offset, length));
            offset += length;
        }
    }

    private void CheckRows(int rows)
    {
        if (rows < 1 || rows > MaxRows)
            throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} rows, but buffers hold 1..{MaxRows}");
    }

    public void Dispose()
    {
        Parameters.Dispose();
        Gradients.Dispose();
        foreach (var b in _outputs) b.Dispose();
        foreach (var b in _deltas) b.Dispose();
        foreach (var b in _dropped ?? []) b.Dispose();
    }
}
