using GpuNet.Backends;
using GpuNet.Nn;
using GpuNet.Optim;
using GpuNet.Training;

namespace GpuNet.Sweep.Packing;

/// <summary>
/// One member of a packed sweep as the sweep's observer sees it: a network and optimiser of its own (built and seeded
/// as a solo run builds them) that hold the member's copy of the pack's weights and state at each epoch's end, where
/// it is evaluated, saved and early-stopped as a <see cref="Trainer"/> would, and where a resume loads it.
/// </summary>
internal sealed class PackMemberRun : IModelRun, IDisposable
{
    private readonly EarlyStopping? _earlyStopping;

    public PackMemberRun(IBackend backend, SweepMember member, int stepsPerEpoch)
    {
        Member = member;
        StepsPerEpoch = stepsPerEpoch;
        Network = new Network(backend, member.Spec, Trainer.NetworkRows(member.Options));
        try
        {
            Network.Initialise(member.Init, member.Options.Seed);
            Optimizer = Optimizers.Create(member.Options, backend, Network);
            _earlyStopping = member.Options.EarlyStoppingPatience > 0 ? new EarlyStopping(backend, Network, member.Options.EarlyStoppingPatience) : null;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public SweepMember Member { get; }
    public Network Network { get; }
    public IOptimizer Optimizer { get; } = null!;
    public TrainingState State { get; set; } = TrainingState.Start;
    public int StepsPerEpoch { get; }
    public TrainOptions Options => Member.Options;

    /// <summary>This sitting's epochs.</summary>
    public List<EpochMetrics> History { get; } = [];

    /// <summary>The class weights its loss uses on the training split, or null when unweighted.</summary>
    public float[]? ClassWeights { get; set; }

    public void SetBestWeights(IReadOnlyList<NamedTensor> bestParameters) => _earlyStopping?.SetBestWeights(bestParameters);

    /// <summary>Starts training from <paramref name="start"/> (null: the beginning), as <see cref="Trainer.Fit"/> does.</summary>
    public void Begin(TrainingState? start)
    {
        State = start ?? TrainingState.Start;
        _earlyStopping?.OnTrainBegin(State);
    }

    /// <summary>Records an epoch's figures, and tells early stopping whether it improved.</summary>
    public void Record(EpochMetrics metrics, bool isBest)
    {
        _earlyStopping?.OnEpochEnd(metrics.Epoch, isBest);
        History.Add(metrics);
    }

    /// <summary>True when early stopping ends the member after the epoch just recorded (its best weights are then restored).</summary>
    public bool StopsEarly()
    {
        if (_earlyStopping is not { StopTraining: true } || State.Epoch >= Options.Epochs) return false;
        _earlyStopping.RestoreBestWeights();
        return true;
    }

    /// <summary>The result of a member that trained to its last epoch: early stopping's best weights restored, as Keras restores them.</summary>
    public TrainResult Done()
    {
        _earlyStopping?.RestoreBestWeights();
        return new TrainResult(History, Interrupted: false, StoppedEarly: false, BestEpoch: _earlyStopping?.BestEpoch ?? 0);
    }

    public TrainResult StoppedEarly() => new(History, Interrupted: false, StoppedEarly: true, BestEpoch: _earlyStopping!.BestEpoch);

    public TrainResult Interrupted() => new(History, Interrupted: true, StoppedEarly: false, BestEpoch: 0);

    public void Dispose()
    {
        _earlyStopping?.Dispose();
        Optimizer?.Dispose();
        Network.Dispose();
    }
}
