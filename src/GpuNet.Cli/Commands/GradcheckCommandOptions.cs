using GpuNet.Reference;

namespace GpuNet.Cli.Commands;

/// <summary>What <c>gpunet gradcheck</c> was asked to check.</summary>
public sealed record GradcheckRequest(ModelKind Model, IReadOnlyList<int> Hidden, Activation Activation, string Device,
    int Inputs, int Classes, int Rows, int Seed, double Threshold);

/// <summary>The options of <c>gpunet gradcheck</c>: a small model, so that the float64 differences stay quick.</summary>
public sealed class GradcheckCommandOptions
{
    public Option<string> Model { get; } = new Option<string>("--model") { Description = "logistic (binary), softmax, or mlp", DefaultValueFactory = _ => "mlp" }.AcceptOnlyFromAmong("logistic", "softmax", "mlp");
    public Option<string?> Hidden { get; } = new("--hidden") { Description = "MLP hidden layer sizes, e.g. 7 or 6,5 [default: 7]" };
    public Option<string> Activation { get; } = new Option<string>("--activation") { Description = "MLP hidden nonlinearity (tanh by default: it is smooth everywhere, while at relu's kink a finite difference can disagree with a correct gradient)", DefaultValueFactory = _ => "tanh" }.AcceptOnlyFromAmong("relu", "sigmoid", "tanh");
    public Option<string> Device { get; } = new("--device") { Description = "auto, cpu, ilgpu-cpu, cuda[:N] or opencl[:N] (see 'gpunet devices')", DefaultValueFactory = _ => "auto" };
    public Option<int> Inputs { get; } = new("--inputs") { Description = "Input features of the test model", DefaultValueFactory = _ => 5 };
    public Option<int?> Classes { get; } = new("--classes") { Description = "Classes of the test model [default: 3, or 2 for logistic]" };
    public Option<int> Rows { get; } = new("--rows") { Description = "Rows in the random batch", DefaultValueFactory = _ => 8 };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for the weights and the batch", DefaultValueFactory = _ => 1 };
    public Option<double> Threshold { get; } = new("--threshold") { Description = "Largest relative error that passes", DefaultValueFactory = _ => GradientCheck.DefaultThreshold };

    public IEnumerable<Option> All => [Model, Hidden, Activation, Device, Inputs, Classes, Rows, Seed, Threshold];

    public GradcheckRequest Read(ParseResult parsed)
    {
        var model = Enum.Parse<ModelKind>(parsed.GetValue(Model)!, ignoreCase: true);
        var hiddenText = parsed.GetValue(Hidden);
        IReadOnlyList<int> hidden = hiddenText is null ? (model == ModelKind.Mlp ? [7] : []) : TrainCommandOptions.ParseHidden(hiddenText);
        var request = new GradcheckRequest(model, hidden,
            Enum.Parse<Activation>(parsed.GetValue(Activation)!, ignoreCase: true),
            parsed.GetValue(Device)!,
            parsed.GetValue(Inputs),
            parsed.GetValue(Classes) ?? (model == ModelKind.Logistic ? 2 : 3),
            parsed.GetValue(Rows),
            parsed.GetValue(Seed),
            parsed.GetValue(Threshold));
        if (request.Inputs < 1) throw new UsageException($"--inputs must be at least 1 (got {request.Inputs})");
        if (request.Rows < 1) throw new UsageException($"--rows must be at least 1 (got {request.Rows})");
        if (!(request.Threshold > 0)) throw new UsageException($"--threshold must be positive (got {request.Threshold})");
        return request;
    }
}
