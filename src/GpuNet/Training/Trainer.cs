using System.Diagnostics;
using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Distributed;
using GpuNet.Nn;
using GpuNet.Optim;
using GpuNet.Settings;

namespace GpuNet.Training;

/// <summary>
/// Minibatch training (SGD, Adam or AdamW) over a dataset that lives on the device. Each epoch uploads one permutation;
/// each step gathers its rows on the device and runs forward, loss, backward and update with
/// no host round trip. The host waits for the device only when figures are read: at the end of
/// an epoch, and for a progress report (at most every <see cref="TrainOptions.ProgressInterval"/>,
/// and only when someone listens). The trainer knows nothing of the console: it raises events.
///
/// Data-parallel over the ranks of an <see cref="ICollective"/>: <see cref="TrainOptions.BatchSize"/> is the global batch;
/// every rank visits the same permutation, trains its <see cref="RankSlice"/> of each batch with the gradient scaled
/// to the global batch's mean, and the ranks sum <see cref="Network.Gradients"/> in one all-reduce per step before
/// every rank applies the same update. The stop request and the progress report ride in that all-reduce, so every
/// rank stops and reports at the same step; epoch and evaluation figures are reduced.
/// </summary>
public sealed class Trainer : IModelRun, IDisposable
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly TrainOptions _options;
    private readonly ITrainSet _train;               // held whole on the device, or streamed through it in chunks
    private readonly DeviceDataset? _validation;
    private readonly DeviceDataset _test;
    private readonly DeviceBuffer<int> _order;
    private readonly DeviceBuffer<float> _batchX;
    private readonly DeviceBuffer<int> _batchY;
    private readonly LossStats _trainStats;           // one slot per training row: each step adds into its own rows' slots
    private readonly DeviceBuffer<float>?[] _stepStats; // the slots of each step, sliced once (a step allocates nothing); null where this rank has no rows
    private readonly LossStats _evalStats;
    private readonly int[] _hostOrder;               // the training row at each position of the epoch
    private readonly EarlyStopping? _earlyStopping;
    private readonly ClassLabels _trainLabels;
    private readonly float[]? _classWeights;              // host copy: each step's Σ w[y] is summed here, in row order
    private readonly DeviceBuffer<float>? _deviceClassWeights;
    private readonly ICollective _collective;
    private readonly float[] _control = new float[2]; // summed with each step's gradients: [StopSlot], [ReportSlot]
    private const int StopSlot = 0, ReportSlot = 1;
    private int _epoch = 1; // the epoch BeginEpoch last started: with the step, it numbers the step in the run

    /// <summary>The rows a network must hold to be trained with <paramref name="options"/>: a training batch and an evaluation chunk.</summary>
    public static int NetworkRows(TrainOptions options) => Math.Max(options.BatchSize, options.EvalBatchSize);

    /// <param name="standardization">The z-score fitted on the training split; the batch and evaluation gathers apply it. Null for none.</param>
    /// <param name="collective">The ranks that train together; one process when not given.</param>
    public Trainer(IBackend backend, Network network, DataSplit data, TrainOptions options, Dataset? validation = null, Standardization? standardization = null,
        ICollective? collective = null)
        : this(backend, network, data, options, validation, standardization, collective, StreamPlanFor(backend, data.Train, options))
    {
    }

    private Trainer(IBackend backend, Network network, DataSplit data, TrainOptions options, Dataset? validation, Standardization? standardization,
        ICollective? collective, StreamPlan? plan)
    {
        options.Validate();
        if (data.Train.Count == 0) throw new DataException($"{data.Train.Name}: the training set is empty");
        foreach (var set in new[] { data.Train, data.Test, validation })
        {
            if (set is null) continue;
            if (set.FeatureCount != network.Spec.Inputs)
                throw new UsageException($"{set.Name} has {set.FeatureCount} features but the model expects {network.Spec.Inputs}");
            LabelRange.Check(set, network.Spec.Classes);
        }
        if (network.MaxRows < options.BatchSize)
            throw new ArgumentException($"network holds {network.MaxRows} rows, batch size is {options.BatchSize}");
        BufferLimits.Check([
            ($"a batch of {options.BatchSize} rows of {data.Train.FeatureCount} features", (double)options.BatchSize * data.Train.FeatureCount),
            ($"the loss figures of {network.MaxRows} rows", 2.0 * network.MaxRows),
            ($"the loss figures of {data.Train.Count} training rows", 2.0 * data.Train.Count)]);
        _backend = backend;
        _network = network;
        _options = options;
        _collective = collective ?? SingleProcess.Instance;
        // When the training set streams, memory is short: the evaluation sets are read in chunks too.
        bool streams = plan is not null;
        _train = streams ? new StreamedTrainSet(backend, data.Train, plan!, standardization) : new DeviceDataset(backend, data.Train, network.MaxRows, standardization);
        _validation = validation is { Count: > 0 } ? new DeviceDataset(backend, validation, network.MaxRows, standardization, streams) : null;
        _test = new DeviceDataset(backend, data.Test, network.MaxRows, standardization, streams);
        _hostOrder = new int[data.Train.Count];
        _order = backend.Allocate<int>(data.Train.Count);
        _batchX = backend.Allocate<float>(options.BatchSize * data.Train.FeatureCount);
        _batchY = backend.Allocate<int>(options.BatchSize);
        // A slot per row rather than per batch position, so a loss that turns NaN or infinite can be traced to its step.
        // Each rank's step owns the slots of its slice of the batch; the other ranks' slots stay zero here.
        _trainStats = new LossStats(backend, data.Train.Count);
        _stepStats = Enumerable.Range(0, StepsPerEpoch).Select(step => StepSlice(step) is var (start, slice) && slice.Rows > 0
            ? _trainStats.Buffer.Slice(2 * (start + slice.Start), 2 * slice.Rows) : null).ToArray();
        _evalStats = new LossStats(backend, network.MaxRows);
        if (options.EarlyStoppingPatience > 0 && _validation is null)
            throw new UsageException($"{Setting.EarlyStoppingPatience} needs a validation split ({Setting.ValidationFraction} above 0)");
        _earlyStopping = options.EarlyStoppingPatience > 0 ? new EarlyStopping(backend, network, options.EarlyStoppingPatience) : null;
        Optimizer = Optimizers.Create(options, backend, network);
        _trainLabels = data.Train.Labels;
        _classWeights = options.ClassWeight.Resolve(data.Train);
        if (_classWeights is not null)
        {
            _deviceClassWeights = backend.Allocate<float>(_classWeights.Length);
            backend.Upload<float>(_classWeights, _deviceClassWeights);
        }
    }

    /// <summary>How the training set streams, or null when it is held whole on the device.</summary>
    public StreamPlan? Streaming => _train.Plan;

    /// <summary>
    /// The plan that streams <paramref name="train"/> under <see cref="TrainOptions.Streaming"/>, or null when it is held whole.
    /// The memory limit is the one given, else the device's memory on a GPU and the host's (<see cref="MemoryLimit.Host"/>) otherwise;
    /// a set left in its mapped file was left there for the host's memory, so the host's limit sizes its chunks on any device.
    /// </summary>
    public static StreamPlan? StreamPlanFor(IBackend backend, Dataset train, TrainOptions options)
    {
        var limit = options.Streaming.MemoryLimit is { } given ? new MemoryLimit(given, "as given")
            : backend.Device.IsGpu && train.Mapped is null ? new MemoryLimit(backend.Device.MemoryBytes, $"memory of {backend.Device.Id}")
            : MemoryLimit.Host();
        return StreamPlan.For(train, options.BatchSize, options.Streaming, limit);
    }

    public Network Network => _network;

    /// <summary>The optimiser and its state (checkpoints save it; a resume loads it back before <see cref="Fit"/>).</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>Raised after every epoch, with that epoch's figures.</summary>
    public event Action<EpochMetrics>? EpochCompleted;

    /// <summary>Raised inside an epoch with the running training figures (each report waits for the device once).</summary>
    public event Action<TrainProgress>? ProgressReported;

    /// <summary>Where training stands: updated after every step and epoch, for checkpoints.</summary>
    public TrainingState State { get; private set; } = TrainingState.Start;

    public int StepsPerEpoch => TrainOptions.StepsPerEpoch(TrainCount, _options.BatchSize);

    private int TrainCount => _hostOrder.Length;

    /// <summary>
    /// Trains until <see cref="TrainOptions.Epochs"/>, early stopping, or cancellation (which lets the
    /// step in progress finish). <paramref name="resumeFrom"/> continues a saved run exactly: the
    /// network must already hold that run's weights and momentum buffers.
    /// </summary>
    public TrainResult Fit(TrainingState? resumeFrom = null, CancellationToken cancellation = default)
    {
        State = resumeFrom ?? TrainingState.Start;
        var history = new List<EpochMetrics>();
        var schedule = _options.LearningRateSchedule;
        var total = Stopwatch.StartNew();
        _earlyStopping?.OnTrainBegin(State);
        int firstEpoch = State.EpochComplete ? State.Epoch + 1 : State.Epoch;
        int firstStep = State.EpochComplete ? 0 : State.StepInEpoch;
        bool stopAgreed = false;
        for (int epoch = firstEpoch; epoch <= _options.Epochs; epoch++, firstStep = 0)
        {
            var clock = Stopwatch.StartNew();
            var sinceReport = Stopwatch.StartNew();
            BeginEpoch(epoch);
            float rate = 0;
            int rowsSeen = 0;
            for (int step = firstStep; step < StepsPerEpoch; step++)
            {
                // One process stops when asked; ranks stop when the last step's all-reduce says one of them was asked.
                if (_collective.Size == 1 ? cancellation.IsCancellationRequested : stopAgreed)
                    return new TrainResult(history, Interrupted: true, StoppedEarly: false, BestEpoch: 0);
                rate = schedule.At(epoch, step, StepsPerEpoch);
                _control[StopSlot] = cancellation.IsCancellationRequested ? 1 : 0;
                _control[ReportSlot] = _collective.Rank == 0 && ProgressReported is not null && sinceReport.Elapsed >= _options.ProgressInterval && step + 1 < StepsPerEpoch ? 1 : 0;
                rowsSeen += TrainStep(step, rate);
                stopAgreed = _control[StopSlot] > 0;
                State = State with { Epoch = epoch, StepInEpoch = step + 1, EpochComplete = false };
                if (_control[ReportSlot] > 0)
                {
                    var running = CheckTraining(_trainStats.Read(rowsSeen, _collective), epoch);
                    ProgressReported?.Invoke(new TrainProgress(epoch, _options.Epochs, step + 1, StepsPerEpoch, running, rowsSeen / clock.Elapsed.TotalSeconds));
                    sinceReport.Restart();
                }
            }
            var train = CheckTraining(_trainStats.Read(rowsSeen, _collective), epoch); // the epoch's wait for the device
            double trainSeconds = clock.Elapsed.TotalSeconds;
            // Evaluation runs on the weights after the epoch's last update, so a NaN or infinite
            // weight shows up in these losses: no separate (and device-waiting) weight scan is needed.
            Score? validation = _validation is null ? null : Evaluator.Checked(_network, _validation, _evalStats, epoch, StepsPerEpoch, "validation", _collective);
            var test = _test.Count > 0 ? Evaluator.Checked(_network, _test, _evalStats, epoch, StepsPerEpoch, "test", _collective) : new Score(double.NaN, double.NaN);

            State = State.AfterEpoch(epoch, validation, out bool isBest);
            _earlyStopping?.OnEpochEnd(epoch, isBest);

            var metrics = new EpochMetrics(epoch, train, validation, test, rate, rowsSeen / trainSeconds, trainSeconds,
                clock.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds, isBest);
            history.Add(metrics);
            EpochCompleted?.Invoke(metrics);
            if (_earlyStopping is { StopTraining: true } && epoch < _options.Epochs)
            {
                _earlyStopping.RestoreBestWeights();
                return new TrainResult(history, Interrupted: false, StoppedEarly: true, BestEpoch: _earlyStopping.BestEpoch);
            }
        }
        // Like Keras 3's restore_best_weights: with early stopping on, the run ends on its best epoch's weights.
        _earlyStopping?.RestoreBestWeights();
        return new TrainResult(history, Interrupted: false, StoppedEarly: false, BestEpoch: _earlyStopping?.BestEpoch ?? 0);
    }

    /// <summary>Seeds the early-stopping snapshot with given weights (the best checkpoint, when resuming).</summary>
    public void SetBestWeights(IReadOnlyList<NamedTensor> bestParameters) => _earlyStopping?.SetBestWeights(bestParameters);

    /// <summary>
    /// A non-finite running training loss: diverged, at the first step whose rows' losses are not finite. Over several
    /// ranks the score is already reduced, so every rank gets here; the first bad step of any rank is reported.
    /// </summary>
    private Score CheckTraining(Score score, int epoch)
    {
        if (double.IsFinite(score.Loss)) return score;
        int step = Array.FindIndex(_stepStats, stats => stats is not null && !double.IsFinite(_trainStats.ReadSlice(stats).Loss));
        if (_collective.Size == 1)
            throw new DivergedException(epoch, step + 1, $"the training loss is {_trainStats.ReadSlice(_stepStats[step]!).Loss}");
        int first = _collective.FirstAcrossRanks(step < 0 ? null : step) ?? step;
        throw new DivergedException(epoch, first + 1, $"the training loss is {score.Loss}");
    }

    /// <summary>
    /// Uploads epoch <paramref name="epoch"/>'s row order and clears the running training figures.
    /// <see cref="Fit"/> drives epochs through it and <see cref="TrainStep"/>; so does <c>gpunet bench</c>,
    /// which times single steps with the same code.
    /// </summary>
    public void BeginEpoch(int epoch)
    {
        _epoch = epoch;
        _train.BeginEpoch(_options.OrderSeed, epoch, _options.Shuffle, _hostOrder, _order);
        _trainStats.Reset();
    }

    /// <summary>
    /// Enqueues minibatch <paramref name="step"/> (0 ≤ step &lt; <see cref="StepsPerEpoch"/>) of the current
    /// epoch at <paramref name="learningRate"/> (the base rate when not given): gathers its rows on the
    /// device, then forward, loss, backward and update. Does not wait on one process; over several ranks the
    /// all-reduce of the gradients (and of <see cref="_control"/>) does. Returns the rows in the (global) batch.
    /// </summary>
    public int TrainStep(int step, float? learningRate = null)
    {
        var (start, slice) = StepSlice(step);
        int rows = Math.Min(_options.BatchSize, TrainCount - start);
        if (slice.Rows > 0)
        {
            _train.GatherBatch(_order, start + slice.Start, slice.Rows, _batchX, _batchY);
            DropoutStep? dropout = _options.Dropout > 0
                ? DropoutStep.For(_options.Dropout, _options.Seed, (long)(_epoch - 1) * StepsPerEpoch + step)
                : null;
            _network.ComputeGradients(_batchX, _batchY, slice.Rows, _stepStats[step]!, dropout, StepWeights(start, rows), meanOver: rows);
        }
        else _backend.Fill(_network.Gradients, _network.Gradients.Length, 0f); // a short last batch left this rank no rows
        _collective.AllReduceGradients(_network.Gradients, _control);
        Optimizer.Step(learningRate ?? _options.LearningRate);
        return rows;
    }

    /// <summary>Where step <paramref name="step"/>'s global batch starts in the epoch's order, and this rank's part of it.</summary>
    private (int Start, RankSlice Slice) StepSlice(int step)
    {
        int start = step * _options.BatchSize;
        return (start, RankSlice.Of(Math.Min(_options.BatchSize, TrainCount - start), _collective.Rank, _collective.Size));
    }

    /// <summary>The class weights of the (global) batch at <paramref name="start"/>, with 1/Σ w[y] summed over its rows in order; null when unweighted.</summary>
    private LossWeights? StepWeights(int start, int rows)
    {
        if (_classWeights is null) return null;
        return new LossWeights(_deviceClassWeights!, ClassWeighting.BatchGradScale(_classWeights, _trainLabels, _hostOrder, start, rows));
    }

    public void Dispose()
    {
        _train.Dispose();
        _validation?.Dispose();
        _test.Dispose();
        _order.Dispose();
        _batchX.Dispose();
        _batchY.Dispose();
        _trainStats.Dispose();
        _evalStats.Dispose();
        _earlyStopping?.Dispose();
        _deviceClassWeights?.Dispose();
        Optimizer.Dispose();
    }
}
