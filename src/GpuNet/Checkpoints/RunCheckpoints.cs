using GpuNet.Nn;
using GpuNet.Settings;

namespace GpuNet.Checkpoints;

/// <summary>
/// The checkpoints in a run directory (what a training run saves as it goes), and resuming a run from them:
/// <list type="bullet">
/// <item><see cref="LastFile"/>: the latest weights, a clean state dict PyTorch can load;</item>
/// <item><see cref="BestFile"/>: the weights of the epoch with the best validation loss;</item>
/// <item><see cref="OptimizerFile"/>: the optimiser's state and the training state that go with <see cref="LastFile"/>.</item>
/// </list>
/// They are saved together, with any files the caller adds (the metrics), as one <see cref="RunGeneration"/>:
/// a kill at any instant leaves the newest complete set, never a weights file from one epoch beside the
/// optimiser state of another.
/// </summary>
public static class RunCheckpoints
{
    public const string LastFile = "model.safetensors";
    public const string BestFile = "model-best.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>
    /// Commits the latest weights and the optimiser state that goes with them, the same weights as the best
    /// when <paramref name="alsoBest"/>, and <paramref name="alongside"/>, as the directory's next generation.
    /// </summary>
    public static RunGeneration Save(string outDir, ModelCheckpoint model, OptimizerState optimizer, bool alsoBest, params IEnumerable<GenerationFile> alongside)
    {
        string checksum = "";
        var files = new List<GenerationFile>
        {
            new(LastFile, stream => checksum = model.Write(stream)),
            new(OptimizerFile, stream => SafetensorsFile.Write(stream, optimizer.Tensors, optimizer.Metadata(checksum))),
        };
        if (alsoBest) files.Add(new(BestFile, stream => model.Write(stream)));
        files.AddRange(alongside);
        return RunGeneration.Commit(outDir, files);
    }

    /// <summary>
    /// Loads the newest complete generation <see cref="Save"/> left in <paramref name="outDir"/> (see
    /// <see cref="RunGeneration.Recover"/>), or null when the run never completed one (it starts from the beginning). Weights
    /// without a generation manifest cannot be placed (which epoch, with which optimiser state?): that is an error, never a
    /// restart from epoch 1 over trained weights.
    /// </summary>
    public static ResumePoint? LoadForResume(string outDir)
    {
        if (!Directory.Exists(outDir))
            throw new DataException($"{outDir}: cannot resume: no such directory");
        var generation = RunGeneration.Recover(outDir);
        if (generation is null)
        {
            var weights = new[] { LastFile, OptimizerFile, BestFile }.Where(f => File.Exists(Path.Combine(outDir, f))).ToList();
            if (weights.Count == 0) return null;
            throw new DataException($"{outDir}: cannot resume: it holds {string.Join(", ", weights)} but no {RunGeneration.ManifestFile}, which says which epoch they are from; restore {RunGeneration.ManifestFile} to resume, or start a new run from these weights with {Setting.InitFrom} {Path.Combine(outDir, LastFile)} {Setting.OutDir} ANOTHER_DIR");
        }
        foreach (var required in new[] { LastFile, OptimizerFile })
            if (!generation.Files.ContainsKey(required))
                throw new DataException($"{Path.Combine(outDir, RunGeneration.ManifestFile)}: generation {generation.Number} has no {required}");

        string lastPath = Path.Combine(outDir, LastFile), optimizerPath = Path.Combine(outDir, OptimizerFile), bestPath = Path.Combine(outDir, BestFile);
        var last = ModelCheckpoint.Load(lastPath);
        var optimizer = OptimizerState.FromContent(SafetensorsFile.Load(optimizerPath), last.Spec, optimizerPath);
        ModelCheckpoint? best = null;
        if (generation.Files.ContainsKey(BestFile))
        {
            best = ModelCheckpoint.Load(bestPath);
            if (best.Spec.Describe() != last.Spec.Describe())
                throw new DataException($"{bestPath}: holds a {best.Spec.Describe()} model, but {LastFile} a {last.Spec.Describe()} one");
        }
        return new ResumePoint(last, optimizer, best, generation.Number);
    }
}

/// <summary>A run as <see cref="RunCheckpoints.LoadForResume"/> found it.</summary>
/// <param name="Best">The best-validation weights, when the run had saved any.</param>
/// <param name="Generation">The generation the files come from.</param>
public sealed record ResumePoint(ModelCheckpoint Last, OptimizerState Optimizer, ModelCheckpoint? Best, long Generation)
{
    /// <summary>
    /// Puts the latest weights into <paramref name="network"/>, which must have the checkpoint's architecture, and
    /// the optimiser state into <paramref name="optimizer"/>, which must be of the kind that saved it.
    /// </summary>
    public void Restore(Network network, Optim.IOptimizer optimizer)
    {
        Last.RequireArchitecture(network.Spec, RunCheckpoints.LastFile);
        network.ImportParameters(Last.Parameters);
        Optimizer.ApplyTo(optimizer);
    }
}
