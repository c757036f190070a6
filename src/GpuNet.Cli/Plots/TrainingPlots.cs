namespace GpuNet.Cli.Plots;

/// <summary>
/// The pictures <c>gpunet train --out DIR</c> leaves behind: curves.png at the end, and for 2-D
/// data decision_boundary.png at the end plus, with <c>--plot-every N</c>, a snapshot
/// decision_boundary_epoch_NNN.png every N epochs, so the boundary can be watched as it moves. Each is recorded as the
/// run's own (<see cref="RunOutputs"/>), so that --overwrite may remove it again.
/// </summary>
public sealed class TrainingPlots(string outDir, IBackend backend, Dataset train, Dataset test, int plotEvery)
{
    public const string CurvesFile = "curves.png";
    public const string BoundaryFile = "decision_boundary.png";

    /// <summary>Snapshots are coarser than the final picture: they are many, and only watched in passing.</summary>
    private const int SnapshotResolution = 120;

    public static string SnapshotFile(int epoch) => string.Create(CultureInfo.InvariantCulture, $"decision_boundary_epoch_{epoch:D3}.png");

    /// <summary>True for a name <see cref="SnapshotFile"/> makes (the run directory's own files include them).</summary>
    public static bool IsSnapshotFile(string name) =>
        name.StartsWith("decision_boundary_epoch_", StringComparison.Ordinal) && name.EndsWith(".png", StringComparison.Ordinal)
        && name["decision_boundary_epoch_".Length..^".png".Length] is { Length: >= 3 } digits && digits.All(char.IsAsciiDigit);

    /// <summary>Call after every epoch (between epochs the network is free for predictions).</summary>
    public void AfterEpoch(Network network, EpochMetrics epoch)
    {
        if (plotEvery <= 0 || epoch.Epoch % plotEvery != 0 || !DecisionBoundaryPlot.Applies(network.Spec)) return;
        DecisionBoundaryPlot.Save(Path.Combine(outDir, SnapshotFile(epoch.Epoch)), backend, network, train, test,
            Title(network, epoch), SnapshotResolution);
        RunOutputs.Record(outDir, SnapshotFile(epoch.Epoch));
    }

    /// <summary>
    /// Call once at the end with the network's final weights and every epoch's figures.
    /// <paramref name="weightsEpoch"/>: the epoch whose weights the network holds when early stopping
    /// restored them (<see cref="TrainResult.BestEpoch"/>); 0 means the last epoch.
    /// </summary>
    public void AfterTraining(Network network, IReadOnlyList<EpochMetrics> history, int weightsEpoch = 0)
    {
        if (history.Count > 0)
        {
            CurvesPlot.Save(Path.Combine(outDir, CurvesFile), history);
            RunOutputs.Record(outDir, CurvesFile);
        }
        if (!DecisionBoundaryPlot.Applies(network.Spec)) return;
        var shown = history.LastOrDefault(e => e.Epoch == weightsEpoch) ?? (history.Count > 0 ? history[^1] : null);
        DecisionBoundaryPlot.Save(Path.Combine(outDir, BoundaryFile), backend, network, train, test,
            shown is null ? network.Spec.Describe() : Title(network, shown));
        RunOutputs.Record(outDir, BoundaryFile);
    }

    private static string Title(Network network, EpochMetrics epoch)
    {
        var title = $"{network.Spec.Describe()}, epoch {epoch.Epoch}";
        return double.IsNaN(epoch.Test.Accuracy) ? title : $"{title}: test accuracy {Cli.Units.Percent(epoch.Test.Accuracy)}";
    }
}
