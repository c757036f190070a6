using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Sweep;

/// <summary>
/// One model of a sweep: its architecture, initialisation and training options. The data and its order are the
/// sweep's: every member of a sweep shares <see cref="TrainOptions.OrderSeed"/>, batch size and epochs' data.
/// </summary>
/// <param name="Index">The member's place in the sweep (0-based), which names it in results.</param>
public sealed record SweepMember(int Index, ModelSpec Spec, InitScheme Init, TrainOptions Options);
