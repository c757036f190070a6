namespace GpuNet.Cli.Commands;

/// <summary>
/// --model, --hidden and --activation: the architecture options of train, bench and gradcheck, declared once.
/// Each verb gives its own defaults (gradcheck checks a small tanh model).
/// </summary>
public sealed class ModelSpecOptions(int defaultHidden = 256, string defaultActivation = "relu", string activationNote = "")
{
    /// <summary>The hidden nonlinearities an option may name (identity would collapse an MLP into one linear map).</summary>
    public static readonly string[] Activations = ["relu", "sigmoid", "tanh"];

    public Option<string> Model { get; } = new Option<string>("--model") { Description = "logistic (binary), softmax, or mlp", DefaultValueFactory = _ => "mlp" }.AcceptOnlyFromAmong("logistic", "softmax", "mlp");
    public Option<string?> Hidden { get; } = new("--hidden") { Description = $"MLP hidden layer sizes, comma-separated, e.g. 256,128 [default: {defaultHidden}]" };
    public Option<string> Activation { get; } = new Option<string>("--activation") { Description = "MLP hidden nonlinearity" + activationNote, DefaultValueFactory = _ => defaultActivation }.AcceptOnlyFromAmong(Activations);

    public IEnumerable<Option> All => [Model, Hidden, Activation];

    /// <summary>The kind, the hidden sizes (the default for an MLP, none for the linear models unless given) and the nonlinearity.</summary>
    public (ModelKind Kind, IReadOnlyList<int> Hidden, Activation Activation) Read(ParseResult parsed)
    {
        var kind = Enum.Parse<ModelKind>(parsed.GetValue(Model)!, ignoreCase: true);
        var hiddenText = parsed.GetValue(Hidden);
        IReadOnlyList<int> hidden = hiddenText is null ? (kind == ModelKind.Mlp ? [defaultHidden] : []) : OptionRange.PositiveIntegers(Hidden.Name, hiddenText, "256 or 256,128");
        return (kind, hidden, Enum.Parse<Activation>(parsed.GetValue(Activation)!, ignoreCase: true));
    }
}
