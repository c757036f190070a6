using GpuNet.Nn;
using GpuNet.Optim;

namespace GpuNet.Training;

/// <summary>
/// What saving and resuming one model needs of its training, whoever trains it: a <see cref="Trainer"/> alone, or a
/// member of a pack (<see cref="Sweep.Packing.PackedExecutor"/>), whose network and optimiser then hold the member's
/// copy of the pack's weights and state.
/// </summary>
public interface IModelRun
{
    Network Network { get; }
    IOptimizer Optimizer { get; }

    /// <summary>Where training stands (checkpoints save it; a resume starts from it).</summary>
    TrainingState State { get; }

    int StepsPerEpoch { get; }

    /// <summary>Seeds the early-stopping snapshot with given weights (the best checkpoint, when resuming).</summary>
    void SetBestWeights(IReadOnlyList<NamedTensor> bestParameters);
}
