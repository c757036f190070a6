namespace GpuNet.Nn;

/// <summary>
/// The state-dict keys of a model's parameters, written once: layer i's <c>nn.Linear</c> is
/// <c>layers.{i}</c>, with <c>weight</c> [out, in] and <c>bias</c> [out], as a PyTorch module with a
/// <c>layers</c> list names them. Checkpoints, the optimisers' state, ONNX export and plots all read these.
/// </summary>
public static class ParameterNames
{
    public static string Weight(int layer) => $"layers.{layer}.weight";

    public static string Bias(int layer) => $"layers.{layer}.bias";

    /// <summary>Every parameter of <paramref name="spec"/> in state-dict order, with its shape.</summary>
    public static IEnumerable<(string Name, int[] Shape)> Of(ModelSpec spec) =>
        spec.Layers.SelectMany((layer, i) => new[] { (Weight(i), new[] { layer.Out, layer.In }), (Bias(i), new[] { layer.Out }) });
}
