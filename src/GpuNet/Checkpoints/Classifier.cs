using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Distributed;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Checkpoints;

/// <summary>Class probabilities [Rows, Classes] and the predicted class of each row.</summary>
public sealed record Predictions(int Rows, int Classes, int[] Labels, float[] Probabilities)
{
    public ReadOnlySpan<float> Row(int row) => Probabilities.AsSpan((int)((long)row * Classes), Classes);
}

/// <summary>A model's figures on a labelled dataset: mean loss and accuracy as training reports them, and the confusion matrix.</summary>
public sealed record Evaluation(int Rows, double Loss, double Accuracy, ConfusionMatrix Confusion);

/// <summary>
/// The one inference path: a model's forward on its device over whole datasets, in batches of the network's row
/// capacity, used by predict, eval and the decision-boundary plots. The predicted class follows one rule,
/// <see cref="LossTerms.PredictedClass{TRow}"/> on the logits (z &gt; 0 for logistic regression, the first largest logit
/// otherwise): the rule the loss ops count accuracy by, so the confusion matrix agrees with the reported accuracy and a
/// plot with predict, even where the probabilities round to a tie. For logistic regression the probabilities are the
/// two columns 1 − p and p, so every model kind answers in the same shape.
/// A row whose outputs are not finite (features near float32's limit of 3.4e38 overflow the forward pass) is refused,
/// as training refuses it: its probabilities would be NaN and its class arbitrary.
/// </summary>
public sealed class Classifier : IDisposable
{
    private readonly IBackend _backend;
    private readonly Network _network;
    private readonly bool _ownsNetwork;
    private readonly DeviceBuffer<float> _probabilities;
    private readonly float[] _hostLogits;
    private readonly float[] _hostProbabilities;

    /// <summary>A checkpoint's model on <paramref name="backend"/>, run <paramref name="batchSize"/> rows at a time.</summary>
    public Classifier(IBackend backend, ModelCheckpoint checkpoint, int batchSize)
        : this(backend, checkpoint.CreateNetwork(backend, RowCapacity(batchSize, checkpoint.Spec)), ownsNetwork: true)
    {
    }

    /// <summary>
    /// A live network with its current weights (a training run's plots). The classifier borrows the network's forward
    /// buffers, so it must not run while a training step of the same network is in flight (between epochs is fine),
    /// and it leaves the network to its owner.
    /// </summary>
    public Classifier(IBackend backend, Network network)
        : this(backend, network, ownsNetwork: false)
    {
    }

    private Classifier(IBackend backend, Network network, bool ownsNetwork)
    {
        _backend = backend;
        _network = network;
        _ownsNetwork = ownsNetwork;
        int capacity = checked(network.MaxRows * network.Spec.Outputs);
        _probabilities = backend.Allocate<float>(capacity);
        _hostLogits = new float[capacity];
        _hostProbabilities = new float[capacity];
    }

    public ModelSpec Spec => _network.Spec;

    /// <summary>
    /// <paramref name="batchSize"/>, checked in 64 bits before anything is allocated: a large batch of tens of thousands of
    /// classes overflows an int.
    /// </summary>
    private static int RowCapacity(int batchSize, ModelSpec spec)
    {
        RequireArray((long)batchSize * spec.Outputs, $"a batch of {batchSize} rows × {spec.Outputs} outputs", "use a smaller batch size");
        return batchSize;
    }

    /// <summary>Predictions for <paramref name="features"/> [rows, Spec.Inputs], uploaded one batch at a time.</summary>
    public Predictions Predict(float[] features)
    {
        if (features.Length % Spec.Inputs != 0)
            throw new ArgumentException($"{features.Length} values are not whole rows of {Spec.Inputs}", nameof(features));
        int rows = features.Length / Spec.Inputs;
        RequireArray((long)rows * Spec.Classes, $"the probabilities of {rows} rows × {Spec.Classes} classes", "predict fewer rows at a time");
        using var x = _backend.Allocate<float>(Math.Max(1, Math.Min(rows, _network.MaxRows) * Spec.Inputs));
        return Run((start, n) =>
        {
            var batch = x.Slice(0, n * Spec.Inputs);
            _backend.Upload<float>(features.AsSpan(start * Spec.Inputs, n * Spec.Inputs), batch);
            return batch;
        }, rows, labels: null, stats: null, keepProbabilities: true,
            row => Magnitude.Largest(features.AsSpan(row * Spec.Inputs, Spec.Inputs)));
    }

    /// <summary>
    /// Loss, accuracy and confusion matrix on <paramref name="data"/>, whose labels must be below Spec.Classes. Over the
    /// ranks of <paramref name="collective"/> each runs its share of the rows (<see cref="RankSlice"/>); the loss sums and
    /// the predicted classes are reduced, so every rank returns the whole evaluation.
    /// </summary>
    public Evaluation Evaluate(Dataset data, ICollective? collective = null)
    {
        LabelRange.Check(data, Spec.Classes);
        collective ??= SingleProcess.Instance;
        var share = RankSlice.Of(data.Count, collective.Rank, collective.Size);
        using var device = new DeviceDataset(_backend, data, _network.MaxRows);
        using var stats = new LossStats(_backend, _network.MaxRows);
        stats.Reset();
        var row = new float[data.FeatureCount];
        var predicted = share.Rows == 0 ? [] : Run((start, n) => device.Chunk(share.Start + start, n), share.Rows,
            (start, n) => device.ChunkLabels(share.Start + start, n), stats, keepProbabilities: false, r =>
            {
                data.ReadRow(share.Start + r, row);
                return Magnitude.Largest(row);
            }, share.Start).Labels;
        var score = stats.Read(data.Count, collective);
        return new Evaluation(data.Count, score.Loss, score.Accuracy, new ConfusionMatrix(Spec.Classes, data.Labels.ToArray(), AllPredictions(predicted, share, data.Count, collective)));
    }

    /// <summary>Every row's predicted class, from each rank's share (a sum in which only the owning rank's entry is non-zero).</summary>
    private static int[] AllPredictions(int[] predicted, RankSlice share, int count, ICollective collective)
    {
        if (collective.Size == 1) return predicted;
        var all = new double[count];
        for (int r = 0; r < predicted.Length; r++) all[share.Start + r] = predicted[r];
        collective.AllReduce(all, ReduceOp.Sum);
        return Array.ConvertAll(all, p => (int)p);
    }

    /// <summary>
    /// Forward over every batch of <paramref name="chunk"/>(start, rows); with <paramref name="labels"/>(start, rows), also
    /// accumulates the loss of each batch into <paramref name="stats"/>. Every row's probabilities are kept only with
    /// <paramref name="keepProbabilities"/> (eval needs none: rows × classes of them is gigabytes at 65,536 classes).
    /// <paramref name="largestFeature"/>(row) is the
    /// largest feature magnitude of a row, for the message that refuses it; rows are numbered from <paramref name="firstRow"/>.
    /// </summary>
    private Predictions Run(Func<int, int, DeviceBuffer<float>> chunk, int count, Func<int, int, DeviceBuffer<int>>? labels, LossStats? stats,
        bool keepProbabilities, Func<int, float> largestFeature, int firstRow = 0)
    {
        int outputs = Spec.Outputs, classes = Spec.Classes;
        var result = new Predictions(count, classes, new int[count], keepProbabilities ? new float[(long)count * classes] : []);
        foreach (var (start, rows) in _network.Chunks(count))
        {
            _network.Forward(chunk(start, rows), rows);
            if (labels is not null && stats is not null)
                _network.Loss(labels(start, rows), rows, stats.Buffer, withGradient: false);
            _network.Probabilities(rows, _probabilities);
            var logits = _hostLogits.AsSpan(0, rows * outputs);
            var probabilities = _hostProbabilities.AsSpan(0, rows * outputs);
            _backend.Download(_network.Logits, logits);
            _backend.Download(_probabilities, probabilities);
            for (int r = 0; r < rows; r++)
            {
                if (!AllFinite(logits.Slice(r * outputs, outputs)))
                    throw new DataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"row {firstRow + start + r} (0-based) gives outputs that are not finite: its largest feature has magnitude {largestFeature(start + r):G9}, and values that large overflow float32 arithmetic; scale the data"));
                result.Labels[start + r] = LossTerms.PredictedClass(new SpanRow(logits.Slice(r * outputs, outputs)), outputs);
                if (!keepProbabilities) continue;
                var target = result.Probabilities.AsSpan((int)((long)(start + r) * classes), classes);
                if (Spec.Kind == ModelKind.Logistic)
                {
                    target[0] = 1f - probabilities[r];
                    target[1] = probabilities[r];
                }
                else probabilities.Slice(r * outputs, outputs).CopyTo(target);
            }
        }
        return result;
    }

    /// <summary>A <see cref="DataException"/> when <paramref name="values"/> floats are more than one array holds.</summary>
    private static void RequireArray(long values, string what, string remedy)
    {
        if (values > Array.MaxLength)
            throw new DataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{what} is {values:N0} values, more than one array holds ({Array.MaxLength:N0}); {remedy}"));
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    public void Dispose()
    {
        if (_ownsNetwork) _network.Dispose();
        _probabilities.Dispose();
    }
}
