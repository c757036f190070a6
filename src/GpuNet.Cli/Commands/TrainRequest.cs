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
    bool Quiet,
    int PlotEvery = 0,
    string? Resume = null,
    string? InitFrom = null)
{
    /// <summary>
    /// The run to continue for <c>--resume DIR</c>: the saved command line, writing into DIR, with
    /// only what may differ between sittings taken from this one (--epochs to extend, --device, --json, --quiet).
    /// </summary>
    public TrainRequest ContinuedFrom(TrainRequest saved, string dir) => saved with
    {
        Train = EpochsGiven ? saved.Train with { Epochs = Train.Epochs } : saved.Train,
        EpochsGiven = EpochsGiven || saved.EpochsGiven,
        Device = Device,
        OutDir = dir,
        Json = Json,
        Quiet = Quiet,
        PlotEvery = PlotEvery,
        Resume = dir,
        InitFrom = null,
    };

    /// <summary>The training options, with the epoch count chosen from the data size when --epochs was not given (see <see cref="TrainOptions.AutoEpochs"/>).</summary>
    public TrainOptions ResolveEpochs(int trainRows) =>
        EpochsGiven ? Train : Train with { Epochs = TrainOptions.AutoEpochs(trainRows, Train.BatchSize) };
}
