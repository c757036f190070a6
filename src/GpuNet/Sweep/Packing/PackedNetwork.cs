using GpuNet.Backends;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Optim;

namespace GpuNet.Sweep.Packing;

/// <summary>
/// Many models trained as one (<see cref="PackLayout"/>): one flat parameter buffer, gradients and optimiser state for
/// the whole pack, and feature-major activation arenas. A step is a fixed set of launches whatever the member count:
/// one GEMM for every member's first layer, one strided batched GEMM per architecture group for each later layer, and
/// one pack op each for bias and activation, the loss, the activation backward, the bias gradients and the update.
/// Each element goes through the arithmetic its member's solo step does, in the same order, so on <c>cpu</c> a member
/// keeps the bits it would have alone. Nothing here waits for the device.
/// </summary>
public sealed class PackedNetwork : IDisposable
{
    private readonly IBackend _backend;
    private readonly DeviceBuffer<float> _outputs, _deltas;
    private readonly DeviceBuffer<float>? _dropped;          // hidden outputs after dropout, when a member drops
    private readonly DeviceBuffer<float>? _state1, _state2;  // velocity or exp_avg; exp_avg_sq
    private readonly DeviceBuffer<float>? _clipScales;

    /// <param name="stepRows">How many steps' scalars <see cref="Tables"/> holds at once.</param>
    public PackedNetwork(IBackend backend, PackLayout layout, IReadOnlyList<PackMember> members, float[] classWeights, int maxRows, int stepRows,
        bool dropout, bool momentum, bool adam)
    {
        _backend = backend;
        Layout = layout;
        MaxRows = maxRows;
        BufferLimits.Check([
            ("the parameters of every model of the pack (one buffer)", layout.ParameterCount),
            ($"the activations of every model of the pack for {maxRows} rows", (double)layout.FeatureCount * maxRows)]);
        Tables = new PackTables(backend, layout.Features, members.ToArray(), layout.AllSegments(), classWeights, stepRows);
        Parameters = backend.Allocate<float>(layout.ParameterCount);
        Gradients = backend.Allocate<float>(layout.ParameterCount);
        _outputs = backend.Allocate<float>(checked(layout.FeatureCount * maxRows));
        _deltas = backend.Allocate<float>(_outputs.Length);
        _dropped = dropout ? backend.Allocate<float>(_outputs.Length) : null;
        _state1 = momentum || adam ? backend.Allocate<float>(layout.ParameterCount) : null;
        _state2 = adam ? backend.Allocate<float>(layout.ParameterCount) : null;
        _clipScales = members.Any(m => m.ClipNorm > 0f) ? backend.Allocate<float>(members.Count) : null;
    }

    public PackLayout Layout { get; }
    public PackTables Tables { get; }
    public int MaxRows { get; }
    public DeviceBuffer<float> Parameters { get; }
    public DeviceBuffer<float> Gradients { get; }

    /// <summary>
    /// One training step of every member on the batch x [rows, Inputs] with labels y, with the members' scalars of step
    /// row <paramref name="stepRow"/>: forward, loss (per-row figures into stats[m·statsStride + statsOffset + 2r…]),
    /// backward, clipping and update.
    /// </summary>
    public void Step(DeviceBuffer<float> x, DeviceBuffer<int> y, int rows, int stepRow, DeviceBuffer<float> stats, int statsOffset, int statsStride)
    {
        if (rows < 1 || rows > MaxRows) throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} rows, but buffers hold 1..{MaxRows}");
        Forward(x, rows, stepRow);
        _backend.PackLoss(Tables, _outputs, _deltas, y, rows, stepRow, stats, statsOffset, statsStride);
        Backward(x, rows, stepRow);
        if (_clipScales is not null) _backend.PackClipScale(Tables, Gradients, _clipScales);
        _backend.PackUpdate(Tables, Parameters, Gradients, _state1, _state2, stepRow, _clipScales);
    }

    private void Forward(DeviceBuffer<float> x, int rows, int stepRow)
    {
        int first = Layout.DepthStart[1];
        // Every member's first layer at once: [Σ out, in]·xᵀ, each member's block of rows its own layer's output.
        _backend.Gemm(new GemmShape(TransA: false, TransB: true, M: first, N: rows, K: Layout.Inputs), Parameters.Slice(0, first * Layout.Inputs), x, _outputs);
        BiasActivation(0, rows, stepRow);
        for (int depth = 1; depth < Layout.Depth; depth++)
        {
            foreach (var (group, layer, block, previous) in Layout.GroupLayersAt(depth))
                _backend.Gemm(new GemmShape(TransA: false, TransB: false, M: layer.Out, N: rows, K: layer.In,
                        Batch: group.Count, StrideA: layer.Out * layer.In, StrideB: layer.In * rows, StrideC: layer.Out * rows),
                    Parameters.Slice(block.WeightStart, group.Count * layer.Out * layer.In),
                    Fed.Slice(previous.FirstFeature * rows, group.Count * layer.In * rows),
                    _outputs.Slice(block.FirstFeature * rows, group.Count * layer.Out * rows));
            BiasActivation(depth, rows, stepRow);
        }
    }

    private void BiasActivation(int depth, int rows, int stepRow) =>
        _backend.PackBiasActivation(Tables, _outputs, _dropped, Biases(Parameters), Layout.DepthStart[depth],
            Layout.DepthStart[depth + 1] - Layout.DepthStart[depth], rows, stepRow);

    private void Backward(DeviceBuffer<float> x, int rows, int stepRow)
    {
        for (int depth = Layout.Depth - 1; depth >= 1; depth--)
        {
            foreach (var (group, layer, block, previous) in Layout.GroupLayersAt(depth))
            {
                var weights = Parameters.Slice(block.WeightStart, group.Count * layer.Out * layer.In);
                var delta = _deltas.Slice(block.FirstFeature * rows, group.Count * layer.Out * rows);
                // dW = δ·inputᵀ, and the previous layer's δ = Wᵀ·δ: the products of the solo step's δᵀ·input and δ·W.
                _backend.Gemm(new GemmShape(TransA: false, TransB: true, M: layer.Out, N: layer.In, K: rows,
                        Batch: group.Count, StrideA: layer.Out * rows, StrideB: layer.In * rows, StrideC: layer.Out * layer.In),
                    delta, Fed.Slice(previous.FirstFeature * rows, group.Count * layer.In * rows), Gradients.Slice(block.WeightStart, weights.Length));
                _backend.Gemm(new GemmShape(TransA: true, TransB: false, M: layer.In, N: rows, K: layer.Out,
                        Batch: group.Count, StrideA: layer.Out * layer.In, StrideB: layer.Out * rows, StrideC: layer.In * rows),
                    weights, delta, _deltas.Slice(previous.FirstFeature * rows, group.Count * layer.In * rows));
            }
            _backend.PackActivationBackward(Tables, _deltas, _outputs, Layout.DepthStart[depth - 1],
                Layout.DepthStart[depth] - Layout.DepthStart[depth - 1], rows, stepRow);
        }
        int first = Layout.DepthStart[1];
        _backend.Gemm(new GemmShape(TransA: false, TransB: false, M: first, N: Layout.Inputs, K: rows), _deltas, x, Gradients.Slice(0, first * Layout.Inputs));
        _backend.RowSums(_deltas, Layout.FeatureCount, rows, Biases(Gradients));
    }

    /// <summary>What the layers after the first read: the hidden outputs after dropout when a member drops, else the outputs.</summary>
    private DeviceBuffer<float> Fed => _dropped ?? _outputs;

    private DeviceBuffer<float> Biases(DeviceBuffer<float> flat) => flat.Slice(Layout.WeightCount, Layout.FeatureCount);

    /// <summary>Copies the member at <paramref name="position"/>'s parameters and optimiser state out to its own network and optimiser.</summary>
    public void CopyOut(int position, Network network, IOptimizer optimizer) => Transfer(position, network, optimizer, toPack: false);

    /// <summary>Copies a member's parameters and optimiser state into the pack, at <paramref name="position"/>.</summary>
    public void CopyIn(int position, Network network, IOptimizer optimizer) => Transfer(position, network, optimizer, toPack: true);

    private void Transfer(int position, Network network, IOptimizer optimizer, bool toPack)
    {
        var pairs = new List<(DeviceBuffer<float> Pack, DeviceBuffer<float> Solo)> { (Parameters, network.Parameters) };
        var state = optimizer.StateBuffers;
        if (state.Count > 0) pairs.Add((_state1 ?? throw new InvalidOperationException("the pack keeps no optimiser state"), state[0]));
        if (state.Count > 1) pairs.Add((_state2 ?? throw new InvalidOperationException("the pack keeps no second moment"), state[1]));
        foreach (var (pack, solo) in pairs)
        {
            int offset = 0;
            foreach (var segment in Layout.Segments(position))
            {
                var (packed, own) = (pack.Slice(segment.Start, segment.Length), solo.Slice(offset, segment.Length));
                if (toPack) _backend.Copy(own, packed, segment.Length);
                else _backend.Copy(packed, own, segment.Length);
                offset += segment.Length;
            }
        }
    }

    public void Dispose()
    {
        Tables.Dispose();
        Parameters.Dispose();
        Gradients.Dispose();
        _outputs.Dispose();
        _deltas.Dispose();
        _dropped?.Dispose();
        _state1?.Dispose();
        _state2?.Dispose();
        _clipScales?.Dispose();
    }
}
