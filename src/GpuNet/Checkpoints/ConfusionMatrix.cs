namespace GpuNet.Checkpoints;

/// <summary>
/// Counts of (actual class, predicted class) pairs, and the per-class precision and recall they give. Only the pairs that
/// occur are stored (at most one per row), with each class's row and column sums: 65,536 classes would make a dense
/// matrix of 2^32 cells, which neither an array nor the memory holds.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly Dictionary<long, long> _counts = []; // [actual * Classes + predicted], the pairs that occur
    private readonly long[] _support; // rows per actual class
    private readonly long[] _predicted; // rows per predicted class

    public ConfusionMatrix(int classes, ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        if (actual.Length != predicted.Length) throw new ArgumentException("one prediction per label is needed");
        Classes = classes;
        _support = new long[classes];
        _predicted = new long[classes];
        for (int i = 0; i < actual.Length; i++)
        {
            long key = (long)actual[i] * classes + predicted[i];
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
            _support[actual[i]]++;
            _predicted[predicted[i]]++;
        }
    }

    public int Classes { get; }

    public long this[int actual, int predicted] => _counts.GetValueOrDefault((long)actual * Classes + predicted);

    /// <summary>The (actual, predicted, count) cells that are not 0, by actual class, then predicted.</summary>
    public IEnumerable<(int Actual, int Predicted, long Count)> NonZero =>
        _counts.OrderBy(p => p.Key).Select(p => ((int)(p.Key / Classes), (int)(p.Key % Classes), p.Value));

    /// <summary>Rows whose actual class is <paramref name="c"/>.</summary>
    public long Support(int c) => _support[c];

    /// <summary>Rows predicted as <paramref name="c"/>.</summary>
    public long PredictedCount(int c) => _predicted[c];

    /// <summary>Of the rows predicted as c, the share that are c; null when nothing was predicted as c.</summary>
    public double? Precision(int c) => PredictedCount(c) == 0 ? null : (double)this[c, c] / PredictedCount(c);

    /// <summary>Of the rows that are c, the share predicted as c; null when no row is c.</summary>
    public double? Recall(int c) => Support(c) == 0 ? null : (double)this[c, c] / Support(c);

    /// <summary>The harmonic mean of precision and recall; 0 when either is 0 or undefined (scikit-learn's zero_division=0), null when no row is c.</summary>
    public double? F1(int c)
    {
        if (Support(c) == 0) return null;
        double p = Precision(c) ?? 0, r = Recall(c) ?? 0;
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>The mean F1 over the classes that occur (scikit-learn's f1_score(average='macro') over the labels present).</summary>
    public double MacroF1 => Present.Average(c => F1(c)!.Value);

    /// <summary>The mean recall over the classes that occur (scikit-learn's balanced_accuracy_score).</summary>
    public double BalancedAccuracy => Present.Average(c => Recall(c)!.Value);

    private IEnumerable<int> Present => Enumerable.Range(0, Classes).Where(c => Support(c) > 0);
}
