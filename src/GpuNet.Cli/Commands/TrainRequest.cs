using System.Text.Json.Serialization;
using GpuNet.Distributed;

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
    string? InitFrom = null,
    bool Overwrite = false,
    IReadOnlyList<DataFile>? DataFiles = null,
    [property: JsonIgnore] IReadOnlySet<string>? Given = null)
{
    /// <summary>--standardize: whether features get a z-score fitted on the training split.</summary>
    public StandardizeMode Standardize { get; init; }

    /// <summary>--distributed of this sitting (not saved: a resumed run may start it differently, with the same rank count).</summary>
    [JsonIgnore]
    public DistributedMode Distributed { get; init; }

    /// <summary>The ranks that trained the run (1 for one process; runs saved before distributed training have none, which means 1).</summary>
    public int Ranks { get; init; } = 1;

    /// <summary>
    /// The run to continue for <c>--resume DIR</c>: the saved command line, writing into DIR, with
    /// only what may differ between sittings taken from this one (--epochs to extend, --device, --json, --quiet, --plot-every).
    /// The device is the recorded one unless --device is given again: a run begun on cuda:1 does not move to auto's pick.
    /// </summary>
    public TrainRequest ContinuedFrom(TrainRequest saved, string dir) => saved with
    {
        Train = EpochsGiven ? saved.Train with { Epochs = Train.Epochs } : saved.Train,
        EpochsGiven = EpochsGiven || saved.EpochsGiven,
        Device = Given?.Contains("--device") == true ? Device : saved.Device,
        OutDir = dir,
        Json = Json,
        Quiet = Quiet,
        PlotEvery = PlotEvery,
        Resume = dir,
        InitFrom = null,
        Overwrite = false,
        Given = Given,
        Distributed = Distributed,
    };

    /// <summary>How this command line uses its --out or --resume directory.</summary>
    public RunDirectoryUse DirectoryUse => Resume is not null ? RunDirectoryUse.Resume : Overwrite ? RunDirectoryUse.Overwrite : RunDirectoryUse.New;

    /// <summary>
    /// The request with its data files named by absolute paths (catalog and synthetic names and standard
    /// input stay as they are), so that run.json means the same files from any working directory.
    /// </summary>
    public TrainRequest WithAbsoluteDataPaths() => this with
    {
        Data = Data with
        {
            Source = IsFile(Data.Source) ? Path.GetFullPath(Data.Source) : Data.Source,
            TestData = Data.TestData is { } test && IsFile(test) ? Path.GetFullPath(test) : Data.TestData,
            Labels = Data.Labels is { } labels ? Path.GetFullPath(labels) : null,
            TestLabels = Data.TestLabels is { } testLabels ? Path.GetFullPath(testLabels) : null,
        },
    };

    private static bool IsFile(string source) => source.Trim() != InputFile.StandardInput && DataSources.IsFile(source);

    /// <summary>
    /// The cap of the automatic epoch count: <see cref="MlpDefaults.TableMaxAutoEpochs"/> for a table trained without --epochs,
    /// else <see cref="TrainOptions.MaxAutoEpochs"/> (which runs saved before tables had a recipe of their own read back).
    /// </summary>
    public int MaxAutoEpochs { get; init; } = TrainOptions.MaxAutoEpochs;

    /// <summary>The training options, with the epoch count chosen from the data size when --epochs was not given (see <see cref="TrainOptions.AutoEpochs"/>).</summary>
    public TrainOptions ResolveEpochs(int trainRows) =>
        EpochsGiven ? Train : Train with { Epochs = TrainOptions.AutoEpochs(trainRows, Train.BatchSize, MaxAutoEpochs) };
}
