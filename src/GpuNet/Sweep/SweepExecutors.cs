using GpuNet.Backends;
using GpuNet.Sweep.Packing;
using GpuNet.Training;

namespace GpuNet.Sweep;

/// <summary>Which executor trains a sweep.</summary>
public static class SweepExecutors
{
    /// <summary>
    /// Packs (<see cref="PackedExecutor"/>: every member in the same launches) when the training set is held whole on the
    /// device; one member after another (<see cref="SequentialExecutor"/>, data prepared once) when it streams, since a
    /// streamed set is read per epoch for a model, and a pack's activations would compete with its chunks for the memory.
    /// </summary>
    public static ISweepExecutor For(IBackend backend, PreparedData data, TrainOptions options) =>
        Trainer.StreamPlanFor(backend, data.Data.Train, options) is null ? new PackedExecutor(backend, data) : new SequentialExecutor(backend, data);
}
