using GpuNet.Reference;

namespace GpuNet.Cli.Commands;

/// <summary>What <c>gpunet gradcheck</c> was asked to check.</summary>
public sealed record GradcheckRequest(ModelKind Model, IReadOnlyList<int> Hidden, Activation Activation, string Device,
    int Inputs, int Classes, int Rows, int Seed, double Threshold);

/// <summary>The options of <c>gpunet gradcheck</c>: a small model, so that the float64 differences stay quick.</summary>
public sealed class GradcheckCommandOptions
{
    public ModelSpecOptions ModelOptions { get; } = new(defaultHidden: 7, defaultActivation: "tanh",
        activationNote: " (tanh by default: it is smooth everywhere, while at relu's kink a finite difference can disagree with a correct gradient)");
    public Option<string> Device { get; } = DeviceOption.Create();
    public Option<int> Inputs { get; } = new Option<int>("--inputs") { Description = "Input features of the test model", DefaultValueFactory = _ => 5 }.AtLeast(1);
    public Option<int?> Classes { get; } = new("--classes") { Description = "Classes of the test model [default: 3, or 2 for logistic]" };
    public Option<int> Rows { get; } = new Option<int>("--rows") { Description = "Rows in the random batch", DefaultValueFactory = _ => 8 }.AtLeast(1);
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for the weights and the batch", DefaultValueFactory = _ => 1 };
    public Option<double> Threshold { get; } = new Option<double>("--threshold") { Description = "Largest relative error that passes", DefaultValueFactory = _ => GradientCheck.DefaultThreshold }.Positive();

    public IEnumerable<Option> All => [.. ModelOptions.All, Device, Inputs, Classes, Rows, Seed, Threshold];

    public GradcheckRequest Read(ParseResult parsed)
    {
        var (model, hidden, activation) = ModelOptions.Read(parsed);
        return new GradcheckRequest(model, hidden, activation,
            parsed.GetValue(Device)!,
            parsed.GetValue(Inputs),
            parsed.GetValue(Classes) ?? (model == ModelKind.Logistic ? 2 : 3),
            parsed.GetValue(Rows),
            parsed.GetValue(Seed),
            parsed.GetValue(Threshold));
    }
}
