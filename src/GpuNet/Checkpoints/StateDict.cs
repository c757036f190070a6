using System.Globalization;
using System.Text.RegularExpressions;
using GpuNet.Kernels;
using GpuNet.Nn;

namespace GpuNet.Checkpoints;

/// <summary>
/// A plain PyTorch state dict of linear layers, as <c>safetensors.torch.save_file(model.state_dict(), ...)</c> writes
/// it with no metadata: keys <c>layers.{i}.weight</c>/<c>.bias</c> (gpunet's), or <c>nn.Sequential</c> indices such
/// as <c>0.weight</c>, <c>2.weight</c> (activations sit between, at the odd indices), under any common prefix
/// (<c>net.0.weight</c>). The architecture follows from the shapes: one layer of one output is logistic regression,
/// one layer of more is softmax regression, several layers are an MLP whose hidden nonlinearity the caller names.
/// </summary>
internal static partial class StateDict
{
    [GeneratedRegex(@"^(?<prefix>(?:.*\.)?)(?<index>\d+)\.(?<kind>weight|bias)$")]
    private static partial Regex LinearKey();

    public static (ModelSpec Spec, NamedTensor[] Parameters) Infer(IReadOnlyList<NamedTensor> tensors, Activation activation, string file)
    {
        if (tensors.Count == 0)
            throw new DataException($"{file}: holds no tensors: not a model's state dict");
        var layers = new SortedDictionary<long, (NamedTensor? Weight, NamedTensor? Bias)>();
        var spellings = new Dictionary<long, string>(); // each index as its key writes it
        string? prefix = null;
        foreach (var t in tensors)
        {
            var match = LinearKey().Match(t.Name);
            if (!match.Success)
                throw new DataException($"{file}: tensor {Text.Quote(t.Name)} is not a linear layer's weight or bias (expected keys such as layers.0.weight or 0.weight)");
            string p = match.Groups["prefix"].Value;
            if (prefix is not null && p != prefix)
                throw new DataException($"{file}: tensors {Text.Quote(prefix + "…")} and {Text.Quote(t.Name)} belong to different modules; a state dict of one nn.Sequential is expected");
            prefix = p;
            if (!long.TryParse(match.Groups["index"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long index))
                throw new DataException($"{file}: tensor {Text.Quote(t.Name)} has a layer index too large");
            // "0" and "00" are one number but two modules to PyTorch: merging them would silently drop a tensor.
            string digits = match.Groups["index"].Value;
            if (spellings.TryGetValue(index, out string? other) && other != digits)
                throw new DataException($"{file}: tensors {Text.Quote(prefix + other + ".…")} and {Text.Quote(t.Name)} both give layer index {index}; which module is meant is ambiguous");
            spellings[index] = digits;
            var layer = layers.GetValueOrDefault(index);
            layers[index] = match.Groups["kind"].Value == "weight" ? layer with { Weight = t } : layer with { Bias = t };
        }

        var widths = new List<int>();
        var parameters = new List<NamedTensor>();
        foreach (var (index, (weight, bias)) in layers)
        {
            string name = $"{prefix}{index}";
            if (weight is null || bias is null)
                throw new DataException($"{file}: layer {Text.Quote(name)} has {(weight is null ? "a bias but no weight" : "a weight but no bias (nn.Linear(bias=False) is not supported)")}");
            if (weight.Shape.Length != 2 || bias.Shape.Length != 1 || bias.Shape[0] != weight.Shape[0])
                throw new DataException($"{file}: layer {Text.Quote(name)} has weight [{string.Join(", ", weight.Shape)}] and bias [{string.Join(", ", bias.Shape)}]; a linear layer has weight [out, in] and bias [out]");
            if (widths.Count == 0) widths.Add(weight.Shape[1]);
            else if (weight.Shape[1] != widths[^1])
                throw new DataException($"{file}: layer {Text.Quote(name)} takes {weight.Shape[1]} inputs, but the layer before it gives {widths[^1]}");
            widths.Add(weight.Shape[0]);
            int i = parameters.Count / 2;
            parameters.Add(weight with { Name = ParameterNames.Weight(i) });
            parameters.Add(bias with { Name = ParameterNames.Bias(i) });
        }

        int outputs = widths[^1];
        var kind = widths.Count > 2 ? ModelKind.Mlp : outputs == 1 ? ModelKind.Logistic : ModelKind.Softmax;
        if (kind == ModelKind.Mlp && outputs == 1)
            throw new DataException($"{file}: an MLP with one output (a sigmoid head) is not a model gpunet has; give the last layer one output per class");
        try
        {
            var spec = ModelSpec.Create(kind, widths[0], kind == ModelKind.Logistic ? 2 : outputs, widths.Skip(1).SkipLast(1).ToArray(), activation);
            return (spec, parameters.ToArray());
        }
        catch (UsageException e)
        {
            throw new DataException($"{file}: the tensors describe no valid model: {e.Message}", e);
        }
    }
}
