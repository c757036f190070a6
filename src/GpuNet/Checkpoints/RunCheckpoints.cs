using GpuNet.Nn;

namespace GpuNet.Checkpoints;

/// <summary>
/// The checkpoints in a run directory (<c>train --out DIR</c>), and resuming from them (<c>--resume DIR</c>):
/// <list type="bullet">
/// <item><see cref="LastFile"/>: the latest weights, a clean state dict PyTorch can load;</item>
/// <item><see cref="BestFile"/>: the weights of the epoch with the best validation loss;</item>
/// <item><see cref="OptimizerFile"/>: the momentum buffers and the training state that go with <see cref="LastFile"/>,
/// tied to it by its checksum.</item>
/// </list>
/// Each file is written atomically, so each is always whole. The pair last + optimizer is written one after the
/// other; a crash between the two renames leaves a pair that does not match, which resuming detects and reports.
/// </summary>
public static class RunCheckpoints
{
    public const string LastFile = "model.safetensors";
    public const string BestFile = "model-best.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>Writes the latest weights, then the optimiser state that goes with them.</summary>
    public static void SaveLast(string outDir, ModelCheckpoint model, OptimizerState optimizer)
    {
        string checksum = model.SaveReturningChecksum(Path.Combine(outDir, LastFile));
        SafetensorsFile.Save(Path.Combine(outDir, OptimizerFile), optimizer.Velocities, optimizer.Metadata(checksum));
    }

    public static void SaveBest(string outDir, ModelCheckpoint model) => model.Save(Path.Combine(outDir, BestFile));

    /// <summary>Loads what <see cref="SaveLast"/> and <see cref="SaveBest"/> wrote, checking that the pieces belong together.</summary>
    public static ResumePoint LoadForResume(string outDir)
    {
        string lastPath = Path.Combine(outDir, LastFile), optimizerPath = Path.Combine(outDir, OptimizerFile), bestPath = Path.Combine(outDir, BestFile);
        if (!Directory.Exists(outDir))
            throw new DataException($"{outDir}: cannot resume: no such directory");
        foreach (var required in new[] { lastPath, optimizerPath })
            if (!File.Exists(required))
                throw new DataException($"{required}: cannot resume: the file is missing (a run directory written by 'gpunet train --out' has {LastFile} and {OptimizerFile})");

        var lastContent = SafetensorsFile.Load(lastPath);
        var last = ModelCheckpoint.FromContent(lastContent, lastPath);
        var optimizerContent = SafetensorsFile.Load(optimizerPath);
        var pairedWith = new CheckpointMetadata(optimizerContent.Metadata, optimizerPath).String(OptimizerState.ModelChecksumKey);
        if (pairedWith != lastContent.Checksum)
            throw new DataException($"{optimizerPath}: belongs to another version of {LastFile} (saving was interrupted between the two files); this run cannot be resumed exactly");
        var optimizer = OptimizerState.FromContent(optimizerContent, last.Spec, optimizerPath);

        ModelCheckpoint? best = null;
        if (File.Exists(bestPath))
        {
            best = ModelCheckpoint.Load(bestPath);
            if (best.Spec.Describe() != last.Spec.Describe())
                throw new DataException($"{bestPath}: holds a {best.Spec.Describe()} model, but {LastFile} a {last.Spec.Describe()} one");
        }
        return new ResumePoint(last, optimizer, best);
    }
}

/// <summary>A run as <see cref="RunCheckpoints.LoadForResume"/> found it.</summary>
/// <param name="Best">The best-validation weights, when the run had saved any.</param>
public sealed record ResumePoint(ModelCheckpoint Last, OptimizerState Optimizer, ModelCheckpoint? Best)
{
    /// <summary>Puts the latest weights and momentum buffers into <paramref name="network"/>, which must have the checkpoint's architecture.</summary>
    public void Restore(Network network)
    {
        Last.RequireArchitecture(network.Spec, RunCheckpoints.LastFile);
        network.ImportParameters(Last.Parameters);
        Optimizer.ApplyTo(network);
    }
}
