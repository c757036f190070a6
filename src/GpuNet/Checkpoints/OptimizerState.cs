using GpuNet.Nn;
using GpuNet.Optim;
using GpuNet.Training;

namespace GpuNet.Checkpoints;

/// <summary>
/// What resuming needs beyond the weights: the optimiser's state tensors (SGD's momentum buffers, named like the
/// parameters they belong to; Adam's state.{k}.exp_avg and state.{k}.exp_avg_sq), its step count, and where training
/// stood. The epoch order and learning rate are functions of (seed, epoch, step), so together with the weights and
/// the run's options this continues a run exactly.
/// </summary>
public sealed record OptimizerState(IReadOnlyList<NamedTensor> Tensors, TrainingState State, OptimizerKind Kind = OptimizerKind.Sgd, long Steps = 0)
{
    // Metadata keys of optimizer.safetensors.
    internal const string EpochKey = "epoch", StepInEpochKey = "step_in_epoch", EpochCompleteKey = "epoch_complete",
        BestValidationLossKey = "best_validation_loss", BestEpochKey = "best_epoch", ModelChecksumKey = "model_sha256",
        OptimizerKey = "optimizer", StepKey = "step";

    private static readonly string[] KindNames = Enum.GetNames<OptimizerKind>().Select(n => n.ToLowerInvariant()).ToArray();

    /// <summary>The optimiser's state (waits for the device and copies it to the host) and the trainer's state.</summary>
    public static OptimizerState FromOptimizer(IOptimizer optimizer, TrainingState state) =>
        new(optimizer.ExportState(), state, optimizer.Kind, optimizer.Steps);

    /// <summary>Uploads the state into <paramref name="optimizer"/>, which must be of the kind that saved it.</summary>
    public void ApplyTo(IOptimizer optimizer)
    {
        if (optimizer.Kind != Kind)
            throw new DataException($"{RunCheckpoints.OptimizerFile} holds {Name(Kind)} state, but the run trains with {Name(optimizer.Kind)}");
        optimizer.ImportState(Tensors, Steps);
    }

    internal Dictionary<string, string> Metadata(string modelChecksum) => new(StringComparer.Ordinal)
    {
        [EpochKey] = CheckpointMetadata.Format(State.Epoch),
        [StepInEpochKey] = CheckpointMetadata.Format(State.StepInEpoch),
        [EpochCompleteKey] = CheckpointMetadata.Format(State.EpochComplete),
        [BestValidationLossKey] = CheckpointMetadata.Format(State.BestValidationLoss),
        [BestEpochKey] = CheckpointMetadata.Format(State.BestEpoch),
        [ModelChecksumKey] = modelChecksum,
        [OptimizerKey] = Name(Kind),
        [StepKey] = CheckpointMetadata.Format(Steps),
    };

    /// <summary>
    /// Reads the state of a loaded optimizer file, checking its tensors against the model they belong to. A file
    /// without an optimiser name is an SGD one from before Adam existed (its step count is then not needed).
    /// </summary>
    internal static OptimizerState FromContent(SafetensorsContent content, ModelSpec spec, string file)
    {
        var m = new CheckpointMetadata(content.Metadata, file);
        var state = new TrainingState(
            Epoch: (int)m.Integer(EpochKey, 0, int.MaxValue),
            StepInEpoch: (int)m.Integer(StepInEpochKey, 0, int.MaxValue),
            EpochComplete: m.Boolean(EpochCompleteKey),
            BestValidationLoss: m.Double(BestValidationLossKey),
            BestEpoch: (int)m.Integer(BestEpochKey, 0, int.MaxValue));
        bool named = content.Metadata.ContainsKey(OptimizerKey);
        var kind = named ? Enum.Parse<OptimizerKind>(m.OneOf(OptimizerKey, KindNames), ignoreCase: true) : OptimizerKind.Sgd;
        long steps = named ? m.Integer(StepKey, 0, long.MaxValue) : 0;
        var tensors = kind == OptimizerKind.Sgd
            ? SpecTensors.Check(spec, content.Tensors, file)
            : SpecTensors.Check(spec, content.Tensors, file, Adam.StateShapes(spec));
        return new OptimizerState(tensors, state, kind, steps);
    }

    private static string Name(OptimizerKind kind) => kind.ToString().ToLowerInvariant();
}
