using GpuNet.Nn;

namespace GpuNet.Checkpoints;

/// <summary>Checks a set of tensors against the parameter tensors a model spec has (names, shapes, finite values).</summary>
internal static class SpecTensors
{
    /// <summary>
    /// The tensors in state-dict order (layers.0.weight, layers.0.bias, ...), or a <see cref="DataException"/>
    /// prefixed with <paramref name="where"/> naming the first tensor that is missing, misshapen, unexpected or not finite.
    /// </summary>
    public static NamedTensor[] Check(ModelSpec spec, IReadOnlyList<NamedTensor> tensors, string where) =>
        Check(spec, tensors, where, ParameterNames.Of(spec));

    /// <summary>The same checks against any list of expected names and shapes (an optimiser's state), in that order.</summary>
    public static NamedTensor[] Check(ModelSpec spec, IReadOnlyList<NamedTensor> tensors, string where, IEnumerable<(string Name, int[] Shape)> expected)
    {
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors)
            if (!byName.TryAdd(t.Name, t))
                throw new DataException($"{where}: tensor {Text.Quote(t.Name)} appears twice");
        var ordered = expected.Select(e => Expect(byName, e.Name, e.Shape, spec, where)).ToList();
        var unexpected = byName.Keys.Except(ordered.Select(t => t.Name)).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unexpected is not null)
            throw new DataException($"{where}: tensor {Text.Quote(unexpected)} is not part of the model {spec.Describe()}");
        return ordered.ToArray();
    }

    private static NamedTensor Expect(Dictionary<string, NamedTensor> byName, string name, int[] shape, ModelSpec spec, string where)
    {
        if (!byName.TryGetValue(name, out var tensor))
            throw new DataException($"{where}: tensor {name} is missing (the model {spec.Describe()} needs it)");
        if (!tensor.Shape.SequenceEqual(shape) || tensor.Data.Length != shape.Aggregate(1, (p, d) => p * d))
            throw new DataException($"{where}: tensor {name} has shape [{string.Join(", ", tensor.Shape)}], the model {spec.Describe()} needs [{string.Join(", ", shape)}]");
        int bad = Array.FindIndex(tensor.Data, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new DataException($"{where}: tensor {name} holds {tensor.Data[bad]} at element {bad}; a usable model has only finite values");
        return tensor;
    }
}
