using GpuNet.Backends;
using GpuNet.Nn;

namespace GpuNet.Training;

/// <summary>
/// Early stopping in the style of Keras's <c>EarlyStopping(monitor="val_loss", patience, restore_best_weights=True)</c>:
/// the callback owns the wait since the best epoch, the best epoch's weights (a device-side snapshot) and their
/// restoring; <see cref="Trainer.Fit"/> reports each epoch to it and reads <see cref="StopTraining"/>. Whether an epoch
/// improved is the trainer's call (a strictly lower validation loss, the same test that picks model-best), so the two
/// never disagree on which epoch was best.
/// </summary>
public sealed class EarlyStopping : IDisposable
{
    private readonly Network _network;
    private readonly ParameterSnapshot _best;

    /// <param name="patience">Epochs without improvement after which training stops; at least 1.</param>
    public EarlyStopping(IBackend backend, Network network, int patience)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        Patience = patience;
        _network = network;
        _best = new ParameterSnapshot(backend, network);
    }

    public int Patience { get; }

    /// <summary>Epochs since the best one (Keras's <c>wait</c>).</summary>
    public int Wait { get; private set; }

    /// <summary>The epoch whose weights the snapshot holds; 0 before any epoch improved.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Set when <see cref="Wait"/> reaches <see cref="Patience"/> (Keras's <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; private set; }

    /// <summary>Starts, or resumes from <paramref name="state"/>: the wait counts the epochs since its best one.</summary>
    public void OnTrainBegin(TrainingState state)
    {
        BestEpoch = state.BestEpoch;
        Wait = state.BestEpoch == 0 ? 0 : state.Epoch - state.BestEpoch;
        StopTraining = false;
    }

    /// <summary>After epoch <paramref name="epoch"/>: keeps its weights when it <paramref name="improved"/>, else waits one more epoch.</summary>
    public void OnEpochEnd(int epoch, bool improved)
    {
        if (improved)
        {
            BestEpoch = epoch;
            Wait = 0;
            _best.Take();
        }
        else Wait++;
        StopTraining = Wait >= Patience;
    }

    /// <summary>Puts the best epoch's weights back into the network (at a stop, and at the end of a run).</summary>
    public void RestoreBestWeights() => _best.Restore();

    /// <summary>Seeds the snapshot with given weights (the best checkpoint, when resuming); the network keeps its own.</summary>
    public void SetBestWeights(IReadOnlyList<NamedTensor> bestParameters)
    {
        var current = _network.ExportParameters();
        _network.ImportParameters(bestParameters);
        _best.Take();
        _network.ImportParameters(current);
    }

    public void Dispose() => _best.Dispose();
}
