using System.Diagnostics;
using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Nn;

namespace GpuNet.Training;

/// <summary>
/// Minibatch SGD over a dataset that lives on the device. Each epoch uploads one permutation;
/// each step gathers its rows on the device and runs forward, loss, backward and update with
/// no host round trip. The host waits for the device only when an epoch's figures are read.
/// The trainer knows nothing of the console: it raises <see cref="EpochCompleted"/>.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly TrainOptions _options;
    private readonly DeviceDataset _train;
    private readonly DeviceDataset _test;
    private readonly DeviceBuffer<int> _order;
    private readonly DeviceBuffer<float> _batchX;
    private readonly DeviceBuffer<int> _batchY;
    private readonly LossStats _trainStats;
    private readonly LossStats _evalStats;
    private readonly int[] _hostOrder;

    public Trainer(IBackend backend, Network network, DataSplit data, TrainOptions options)
    {
        options.Validate();
        if (data.Train.Count == 0) throw new DataException($"{data.Train.Name}: the training set is empty");
        if (data.Train.FeatureCount != network.Spec.Inputs)
            throw new UsageException($"the data has {data.Train.FeatureCount} features but the model expects {network.Spec.Inputs}");
        if (network.MaxRows < options.BatchSize)
            throw new ArgumentException($"network holds {network.MaxRows} rows, batch size is {options.BatchSize}");
        _backend = backend;
        _network = network;
        _options = options;
        _train = new DeviceDataset(backend, data.Train);
        _test = new DeviceDataset(backend, data.Test);
        _hostOrder = new int[data.Train.Count];
        _order = backend.Allocate<int>(data.Train.Count);
        _batchX = backend.Allocate<float>(options.BatchSize * data.Train.FeatureCount);
        _batchY = backend.Allocate<int>(options.BatchSize);
        _trainStats = new LossStats(backend, options.BatchSize);
        _evalStats = new LossStats(backend, network.MaxRows);
    }

    /// <summary>Raised after every epoch, with that epoch's figures.</summary>
    public event Action<EpochMetrics>? EpochCompleted;

    /// <summary>Trains for <see cref="TrainOptions.Epochs"/> epochs and returns every epoch's figures.</summary>
    public IReadOnlyList<EpochMetrics> Fit(CancellationToken cancellation = default)
    {
        var history = new List<EpochMetrics>();
        var total = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            BeginEpoch(epoch);
            for (int step = 0; step < StepsPerEpoch; step++)
                TrainStep(step);
            var train = _trainStats.Read(_train.Count); // the epoch's one wait for the device
            double trainSeconds = clock.Elapsed.TotalSeconds;
            var test = _test.Count > 0 ? Evaluator.Evaluate(_network, _test, _evalStats) : new Score(double.NaN, double.NaN);
            var metrics = new EpochMetrics(epoch, train, test, _train.Count / trainSeconds, trainSeconds, clock.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds);
            history.Add(metrics);
            EpochCompleted?.Invoke(metrics);
        }
        return history;
    }

    /// <summary>Minibatches in one epoch; the last may be partial.</summary>
    public int StepsPerEpoch => TrainOptions.StepsPerEpoch(_train.Count, _options.BatchSize);

    /// <summary>
    /// Uploads epoch <paramref name="epoch"/>'s row order and clears the running training figures.
    /// <see cref="Fit"/> drives epochs through it and <see cref="TrainStep"/>; so does <c>gpunet bench</c>,
    /// which times single steps with the same code.
    /// </summary>
    public void BeginEpoch(int epoch)
    {
        Permutation.ForEpoch(_hostOrder, _options.Seed, epoch, _options.Shuffle);
        _backend.Upload<int>(_hostOrder, _order);
        _trainStats.Reset();
    }

    /// <summary>
    /// Enqueues minibatch <paramref name="step"/> (0 ≤ step &lt; <see cref="StepsPerEpoch"/>) of the current
    /// epoch: gathers its rows on the device, then forward, loss, backward and update. Does not wait.
    /// </summary>
    public void TrainStep(int step)
    {
        int start = step * _options.BatchSize;
        int rows = Math.Min(_options.BatchSize, _train.Count - start);
        _backend.GatherRows(_train.Features, _train.FeatureCount, _order, start, rows, _batchX);
        _backend.GatherLabels(_train.Labels, _order, start, rows, _batchY);
        _network.TrainStep(_batchX, _batchY, rows, _options.Sgd, _trainStats.Buffer);
    }

    /// <summary>Loss and accuracy of the current weights over the training set, in one evaluation pass.</summary>
    public Score EvaluateTrain() => Evaluator.Evaluate(_network, _train, _evalStats);

    public void Dispose()
    {
        _train.Dispose();
        _test.Dispose();
        _order.Dispose();
        _batchX.Dispose();
        _batchY.Dispose();
        _trainStats.Dispose();
        _evalStats.Dispose();
    }
}
