using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Sweep;

/// <summary>
/// One model of a sweep: its architecture, initialisation and training options. The data and its order are the
/// sweep's: its members share <see cref="TrainOptions.OrderSeed"/>, the batch size and the epoch count, so every
/// member sees the same minibatches; the rest of <see cref="Options"/> (seed, optimiser, rates, dropout...) is its own.
/// </summary>
/// <param name="Index">The member's place in the sweep (0-based), which names it in results.</param>
public sealed record SweepMember(int Index, ModelSpec Spec, InitScheme Init, TrainOptions Options);
