using GpuNet.Data;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Cli.Commands;

/// <summary>A parsed and checked <c>gpunet train</c> command line.</summary>
public sealed record TrainRequest(
    DataOptions Data,
    ModelKind Model,
    IReadOnlyList<int> Hidden,
    Activation Activation,
    InitScheme Init,
    TrainOptions Train,
    string Device,
    string? OutDir,
    bool Json,
    bool EpochsGiven,
    double ValFraction,
    bool Quiet)
{
    /// <summary>The training options, with the epoch count chosen from the data size when --epochs was not given (see <see cref="TrainOptions.AutoEpochs"/>).</summary>
    public TrainOptions ResolveEpochs(int trainRows) =>
        EpochsGiven ? Train : Train with { Epochs = TrainOptions.AutoEpochs(trainRows, Train.BatchSize) };
}
