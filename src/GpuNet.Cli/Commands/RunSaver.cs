using System.Text;

namespace GpuNet.Cli.Commands;

/// <summary>
/// Everything <c>train --out DIR</c> writes: run.json before training (a new run, or a resumed one whose
/// --epochs extends it), then after every epoch one generation (<see cref="RunCheckpoints.Save"/>) of
/// model.safetensors + optimizer.safetensors (the last weights and what resuming needs),
/// model-best.safetensors (the best validation epoch) and metrics.csv, and summary.json at the end.
/// A crash, a kill or Ctrl+C therefore never costs more than the epoch in progress.
/// </summary>
public sealed class RunSaver
{
    public const string MetricsFile = "metrics.csv";
    public const string SummaryFile = "summary.json";

    private readonly string _outDir;
    private readonly Dataset _train;
    private readonly Preprocessing _preprocessing;
    private readonly Standardization? _standardization;
    private readonly FeatureColumns? _columns;
    private readonly TableEncoding? _encoding;

    /// <param name="saveRequest">False when resuming a run whose description does not change (run.json stays as it was).</param>
    /// <param name="columns">The CSV header's names, which the checkpoints store; null for data without names.</param>
    /// <param name="encoding">The encoding of a CSV's categorical columns and missing cells, which the checkpoints store; null for none.</param>
    public RunSaver(RunDirectory directory, TrainRequest request, bool saveRequest, Dataset train, Preprocessing preprocessing, Standardization? standardization,
        FeatureColumns? columns, TableEncoding? encoding = null)
    {
        _encoding = encoding;
        _outDir = directory.Path;
        _train = train;
        _preprocessing = preprocessing;
        _standardization = standardization;
        _columns = columns;
        if (directory.Use == RunDirectoryUse.Overwrite) directory.RemoveRunFiles(); // only now: a run that fails to start keeps the earlier one
        if (saveRequest)
        {
            RunManifest.Save(_outDir, request);
            RunOutputs.Record(_outDir, RunManifest.FileName);
        }
    }

    public void AfterEpoch(IModelRun run, EpochMetrics epoch, IReadOnlyList<EpochMetrics> history)
    {
        var metrics = MetricsCsv.Continue(Path.Combine(_outDir, MetricsFile), history, firstEpoch: history[0].Epoch);
        RunCheckpoints.Save(_outDir, Checkpoint(run), OptimizerState.FromOptimizer(run.Optimizer, run.State), alsoBest: epoch.IsBest,
            new GenerationFile(MetricsFile, stream => stream.Write(Encoding.UTF8.GetBytes(metrics))));
    }

    /// <summary>Saves the current weights and optimiser state as the run's latest generation (after an interrupt).</summary>
    public void SaveLast(IModelRun run) =>
        RunCheckpoints.Save(_outDir, Checkpoint(run), OptimizerState.FromOptimizer(run.Optimizer, run.State), alsoBest: false);

    public void AfterTraining(string summaryJson) =>
        RunOutputs.Write(_outDir, SummaryFile, stream => stream.Write(Encoding.UTF8.GetBytes(summaryJson + "\n")));

    private ModelCheckpoint Checkpoint(IModelRun run) =>
        ModelCheckpoint.FromNetwork(run.Network, _preprocessing, _train.ClassNames, run.State.Epoch, run.State.GlobalStep(run.StepsPerEpoch),
            standardization: _standardization, columns: _columns, encoding: _encoding);
}
