using GpuNet.Kernels;

namespace GpuNet.Nn;

/// <summary>
/// Inverted dropout on every hidden layer's output during one training step (PyTorch's <c>nn.Dropout(p)</c> after
/// each hidden activation): the mask of layer l is drawn from the counter-based RNG keyed by (seed, step, layer),
/// element by element, so it is the same on every device, is drawn again for backward instead of stored, and a
/// resumed run draws the masks it would have drawn. Evaluation and prediction never drop.
/// </summary>
public readonly record struct DropoutStep(float Probability, ulong StepSeed)
{
    // Keeps dropout's stream apart from the other users of the run's seed (initialisation, shuffling).
    private const ulong Stream = 0xD809_0A75UL;

    /// <summary>Step <paramref name="step"/> (0-based, counted over the whole run) of a run seeded with <paramref name="seed"/>.</summary>
    public static DropoutStep For(float probability, int seed, long step) =>
        new(probability, CounterRandom.Hash(CounterRandom.Hash((ulong)(uint)seed, Stream), (ulong)step));

    /// <summary>The seed of layer <paramref name="layer"/>'s mask, whose element i is kept when <see cref="DropoutMask.Keeps"/>.</summary>
    public ulong LayerSeed(int layer) => CounterRandom.Hash(StepSeed, (ulong)layer);
}
