using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Checkpoints;

/// <summary>
/// What resuming needs beyond the weights: the SGD momentum buffers (named like the parameters they
/// belong to) and where training stood. The epoch order and learning rate are functions of
/// (seed, epoch, step), so together with the weights and the run's options this continues a run exactly.
/// </summary>
public sealed record OptimizerState(IReadOnlyList<NamedTensor> Velocities, TrainingState State)
{
    // Metadata keys of optimizer.safetensors.
    internal const string EpochKey = "epoch", StepInEpochKey = "step_in_epoch", EpochCompleteKey = "epoch_complete",
        BestValidationLossKey = "best_validation_loss", BestEpochKey = "best_epoch", ModelChecksumKey = "model_sha256";

    /// <summary>The network's momentum buffers (waits for the device and copies them to the host) and the trainer's state.</summary>
    public static OptimizerState FromNetwork(Network network, TrainingState state) => new(network.ExportVelocities(), state);

    /// <summary>Uploads the momentum buffers into <paramref name="network"/>.</summary>
    public void ApplyTo(Network network) => network.ImportVelocities(Velocities);

    internal Dictionary<string, string> Metadata(string modelChecksum) => new(StringComparer.Ordinal)
    {
        [EpochKey] = CheckpointMetadata.Format(State.Epoch),
        [StepInEpochKey] = CheckpointMetadata.Format(State.StepInEpoch),
        [EpochCompleteKey] = CheckpointMetadata.Format(State.EpochComplete),
        [BestValidationLossKey] = CheckpointMetadata.Format(State.BestValidationLoss),
        [BestEpochKey] = CheckpointMetadata.Format(State.BestEpoch),
        [ModelChecksumKey] = modelChecksum,
    };

    /// <summary>Reads the state of a loaded optimizer file, checking its buffers against the model they belong to.</summary>
    internal static OptimizerState FromContent(SafetensorsContent content, ModelSpec spec, string file)
    {
        var m = new CheckpointMetadata(content.Metadata, file);
        var state = new TrainingState(
            Epoch: (int)m.Integer(EpochKey, 0, int.MaxValue),
            StepInEpoch: (int)m.Integer(StepInEpochKey, 0, int.MaxValue),
            EpochComplete: m.Boolean(EpochCompleteKey),
            BestValidationLoss: m.Double(BestValidationLossKey),
            BestEpoch: (int)m.Integer(BestEpochKey, 0, int.MaxValue));
        return new OptimizerState(SpecTensors.Check(spec, content.Tensors, file), state);
    }
}
