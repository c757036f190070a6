using GpuNet.Kernels;

namespace GpuNet.Reference;

/// <summary>
/// One member of a pack case: hidden layers of <paramref name="Hidden"/> units with their own activations, a head of
/// <paramref name="Outputs"/> logits (1: sigmoid cross-entropy), its optimiser of the step (<see cref="PackOptimizer.None"/>:
/// frozen) and the options that reach the pack ops.
/// </summary>
public sealed record PackMemberCase(int[] Hidden, Activation[] Activations, int Outputs, PackOptimizer Optimizer, float Dropout = 0f,
    float Momentum = 0f, bool Nesterov = false, float WeightDecay = 0f, bool Decoupled = false, float ClipNorm = 0f, float[]? ClassWeights = null)
{
    public override string ToString()
    {
        string layers = string.Concat(Hidden.Select((h, l) => $"{h}{Activations[l].ToString().ToLowerInvariant()}-")) + Outputs;
        string optimizer = Optimizer switch
        {
            PackOptimizer.Sgd => Momentum == 0f ? "sgd" : $"sgd m{Momentum}{(Nesterov ? "n" : "")}",
            PackOptimizer.Adam => Decoupled ? "adamw" : "adam",
            _ => "frozen",
        };
        return $"{layers} {optimizer}{(WeightDecay != 0f ? $" wd{WeightDecay}" : "")}{(Dropout > 0f ? $" p{Dropout}" : "")}"
            + $"{(ClipNorm > 0f ? $" clip{ClipNorm}" : "")}{(ClassWeights is null ? "" : " weighted")}";
    }
}

/// <summary>A pack of members over a minibatch of <paramref name="Rows"/> rows of <paramref name="Inputs"/> features.</summary>
public sealed record PackCase(int Rows, int Inputs, PackMemberCase[] Members)
{
    /// <summary>Labels below every member's class count: {0, 1} when a member has one output.</summary>
    public int Classes => Members.Min(m => Math.Max(m.Outputs, 2));

    public override string ToString() => $"{Rows} rows: " + string.Join(" | ", Members.Select(m => m.ToString()));

    /// <summary>
    /// Rows 1, 7, 33 and 129; widths 1, 4, 7, 33 and 129; sigmoid and softmax heads side by side; every activation; dropout
    /// on and off; SGD with and without (Nesterov) momentum, Adam and AdamW, frozen members; class weights; clipping that
    /// bites and clipping that does not; and a pack that needs no optimiser state at all.
    /// </summary>
    public static IReadOnlyList<PackCase> All { get; } =
    [
        new(1, 3, [new([7], [Activation.Relu], 3, PackOptimizer.Sgd)]),
        new(7, 5,
        [
            new([33], [Activation.Tanh], 1, PackOptimizer.Adam, Dropout: 0.3f, WeightDecay: 0.01f, ClipNorm: 0.5f, ClassWeights: [1f, 5f]),
            new([7, 4], [Activation.Relu, Activation.Sigmoid], 2, PackOptimizer.Sgd, Dropout: 0.5f, Momentum: 0.9f, Nesterov: true, WeightDecay: 1e-3f),
            new([], [], 2, PackOptimizer.None),
        ]),
        new(33, 4,
        [
            new([129], [Activation.Relu], 10, PackOptimizer.Sgd, ClipNorm: 1e6f, ClassWeights: [1f, 2f, 0.5f, 1f, 3f, 1f, 1f, 0.25f, 1f, 2f]),
            new([33], [Activation.Sigmoid], 10, PackOptimizer.Adam, Dropout: 0.2f, WeightDecay: 0.01f, Decoupled: true),
            new([7, 7, 7], [Activation.Tanh, Activation.Relu, Activation.Identity], 10, PackOptimizer.Sgd, Dropout: 0.1f, Momentum: 0.5f, ClipNorm: 0.1f),
            new([4], [Activation.Relu], 10, PackOptimizer.None, Dropout: 0.5f),
        ]),
        new(129, 2,
        [
            new([1], [Activation.Relu], 1, PackOptimizer.Sgd),
            new([], [], 1, PackOptimizer.None, ClassWeights: [2f, 1f]),
        ]),
    ];
}
