namespace GpuNet.Checkpoints;

/// <summary>Counts of (actual class, predicted class) pairs, and the per-class precision and recall they give.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts; // [actual * Classes + predicted]

    public ConfusionMatrix(int classes, ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        if (actual.Length != predicted.Length) throw new ArgumentException("one prediction per label is needed");
        Classes = classes;
        _counts = new long[classes * classes];
        for (int i = 0; i < actual.Length; i++) _counts[actual[i] * classes + predicted[i]]++;
    }

    public int Classes { get; }

    public long this[int actual, int predicted] => _counts[actual * Classes + predicted];

    /// <summary>Rows whose actual class is <paramref name="c"/>.</summary>
    public long Support(int c) => Enumerable.Range(0, Classes).Sum(p => this[c, p]);

    /// <summary>Rows predicted as <paramref name="c"/>.</summary>
    public long PredictedCount(int c) => Enumerable.Range(0, Classes).Sum(a => this[a, c]);

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
