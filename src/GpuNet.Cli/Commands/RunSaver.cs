using GpuNet.Checkpoints;
using GpuNet.Data;
using GpuNet.IO;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Cli.Commands;

/// <summary>
/// Everything <c>train --out DIR</c> writes, each file atomically: run.json before training,
/// then after every epoch metrics.csv, model.safetensors + optimizer.safetensors (the last
/// weights and what resuming needs) and model-best.safetensors (the best validation epoch),
/// and summary.json at the end. A crash or Ctrl+C therefore never costs more than the epoch in progress.
/// </summary>
public sealed class RunSaver
{
    private readonly string _outDir;
    private readonly Dataset _train;
    private readonly Preprocessing _preprocessing;

    public RunSaver(string outDir, TrainRequest request, Dataset train, Preprocessing preprocessing)
    {
        _outDir = outDir;
        _train = train;
        _preprocessing = preprocessing;
        Directory.CreateDirectory(outDir);
        RunManifest.Save(outDir, request);
    }

    public void AfterEpoch(Network network, Trainer trainer, EpochMetrics epoch, IReadOnlyList<EpochMetrics> history)
    {
        MetricsCsv.Write(Path.Combine(_outDir, "metrics.csv"), history, firstEpoch: history[0].Epoch);
        var last = SaveLast(network, trainer);
        if (epoch.IsBest) RunCheckpoints.SaveBest(_outDir, last); // the same weights: copied to the host once
    }

    /// <summary>Saves the current weights and optimiser state as the run's latest, and returns the weights' checkpoint.</summary>
    public ModelCheckpoint SaveLast(Network network, Trainer trainer)
    {
        var model = Checkpoint(network, trainer);
        RunCheckpoints.SaveLast(_outDir, model, OptimizerState.FromNetwork(network, trainer.State));
        return model;
    }

    public void AfterTraining(RunSummary summary) =>
        AtomicFile.WriteAllText(Path.Combine(_outDir, "summary.json"), summary.ToJson() + "\n");

    private ModelCheckpoint Checkpoint(Network network, Trainer trainer) =>
        ModelCheckpoint.FromNetwork(network, _preprocessing, _train.ClassNames, trainer.State.Epoch, trainer.State.GlobalStep(trainer.StepsPerEpoch));
}
