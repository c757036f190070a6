using System.Globalization;
using GpuNet.Kernels;
using GpuNet.Settings;

namespace GpuNet.Nn;

public enum ModelKind
{
    /// <summary>Binary logistic regression: one sigmoid output, binary cross-entropy.</summary>
    Logistic,
    /// <summary>Multinomial (softmax) regression: one linear layer, softmax cross-entropy.</summary>
    Softmax,
    /// <summary>A multilayer perceptron: hidden layers with a nonlinearity, then softmax cross-entropy.</summary>
    Mlp,
}

/// <summary>One linear layer Y = f(X·Wᵀ + b) with W [Out, In] (PyTorch's nn.Linear layout).</summary>
public readonly record struct LayerSpec(int In, int Out, Activation Activation);

/// <summary>
/// The architecture of a model: its kind, hidden sizes and hidden nonlinearity (the `Model`, `Hidden` and `Activation` settings), checked against the data's width and class count.
/// </summary>
public sealed record ModelSpec
{
    private ModelSpec(ModelKind kind, int inputs, int classes, int[] hidden, Activation activation)
    {
        Kind = kind;
        Inputs = inputs;
        Classes = classes;
        Hidden = hidden;
        Activation = activation;
        var widths = new List<int> { inputs };
        widths.AddRange(hidden);
        widths.Add(Outputs);
        Layers = Enumerable.Range(0, widths.Count - 1)
            .Select(i => new LayerSpec(widths[i], widths[i + 1], i < widths.Count - 2 ? activation : Activation.Identity))
            .ToArray();
    }

    public ModelKind Kind { get; }
    public int Inputs { get; }
    public int Classes { get; }
    public IReadOnlyList<int> Hidden { get; }
    /// <summary>The hidden layers' nonlinearity (the output layer is always linear: the loss applies sigmoid or softmax).</summary>
    public Activation Activation { get; }
    /// <summary>Width of the last layer: 1 for logistic regression, the class count otherwise.</summary>
    public int Outputs => Kind == ModelKind.Logistic ? 1 : Classes;
    public IReadOnlyList<LayerSpec> Layers { get; }
    public long ParameterCount => Layers.Sum(l => (long)l.Out * l.In + l.Out);

    /// <summary>Builds a spec, or throws UsageException naming the option that does not fit.</summary>
    public static ModelSpec Create(ModelKind kind, int inputs, int classes, IReadOnlyList<int>? hidden = null, Activation activation = Activation.Relu)
    {
        if (inputs <= 0) throw new UsageException($"the data has {inputs} features; a model needs at least one");
        if (classes < 2) throw new UsageException($"the data has {classes} class(es); a classifier needs at least 2");
        hidden ??= [];
        switch (kind)
        {
            case ModelKind.Logistic when classes != 2:
                throw new UsageException($"{Setting.Model} logistic is binary, but the data has {classes} classes; use {Setting.Model} softmax or mlp");
            case ModelKind.Logistic or ModelKind.Softmax when hidden.Count > 0:
                throw new UsageException($"{Setting.Hidden} applies to {Setting.Model} mlp only (got {Setting.Model} {Name(kind)})");
            case ModelKind.Mlp when hidden.Count == 0:
                throw new UsageException($"{Setting.Model} mlp needs at least one hidden layer, e.g. {Setting.Hidden} 256");
        }
        if (hidden.Any(h => h <= 0)) throw new UsageException($"{Setting.Hidden} sizes must be positive integers");
        if (kind == ModelKind.Mlp && activation == Activation.Identity)
            throw new UsageException($"{Setting.Activation} identity would collapse the MLP into one linear map; use relu, sigmoid or tanh");
        return new ModelSpec(kind, inputs, classes, hidden.ToArray(), activation);
    }

    public static string Name(ModelKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>"784-256-10 relu", the way the CLI prints an architecture.</summary>
    public string Describe()
    {
        var widths = string.Join("-", Layers.Select(l => l.In).Append(Outputs).Select(w => w.ToString(CultureInfo.InvariantCulture)));
        return Kind == ModelKind.Mlp ? $"mlp {widths} {Activation.ToString().ToLowerInvariant()}" : $"{Name(Kind)} {widths}";
    }
}
