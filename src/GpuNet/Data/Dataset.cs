namespace GpuNet.Data;

/// <summary>
/// A labelled dataset in host memory: features [Count, FeatureCount] row-major at their stored type, never widened:
/// <see cref="Floats"/>, or <see cref="Bytes"/> (IDX images, uint8 .npy: a quarter of float32's memory and bandwidth).
/// Labels are class indices in [0, ClassCount).
/// The feature value of a stored byte b is b / <see cref="ByteDivisor"/> in float32 (255 for images, as PyTorch's
/// ToTensor scales them): the minibatch gather computes exactly that, so nothing holds a float copy.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, float[] features, int[] labels, int featureCount, int classCount, IReadOnlyList<string>? classNames = null)
        : this(name, features.LongLength, labels, featureCount, classCount, classNames)
    {
        Floats = features;
    }

    public Dataset(string name, byte[] features, float byteDivisor, int[] labels, int featureCount, int classCount, IReadOnlyList<string>? classNames = null)
        : this(name, features.LongLength, labels, featureCount, classCount, classNames)
    {
        if (!(byteDivisor > 0) || float.IsInfinity(byteDivisor))
            throw new ArgumentOutOfRangeException(nameof(byteDivisor), byteDivisor, "the byte divisor must be a positive number");
        Bytes = features;
        ByteDivisor = byteDivisor;
    }

    private Dataset(string name, long values, int[] labels, int featureCount, int classCount, IReadOnlyList<string>? classNames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (values != (long)labels.Length * featureCount)
            throw new ArgumentException($"{name}: {values} feature values do not make {labels.Length} rows of {featureCount}");
        Name = name;
        Labels = labels;
        FeatureCount = featureCount;
        ClassCount = classCount;
        ClassNames = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public string Name { get; }
    /// <summary>The features when stored as float32, else null.</summary>
    public float[]? Floats { get; }
    /// <summary>The features when stored as bytes, else null.</summary>
    public byte[]? Bytes { get; }
    /// <summary>What a stored byte is divided by to give its feature value (1 for float32 features).</summary>
    public float ByteDivisor { get; } = 1f;
    public int[] Labels { get; }
    public int Count => Labels.Length;
    public int FeatureCount { get; }
    public int ClassCount { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The feature value at (<paramref name="row"/>, <paramref name="column"/>) in float32, as the gather computes it.</summary>
    public float Feature(int row, int column)
    {
        long i = (long)row * FeatureCount + column;
        return Bytes is null ? Floats![i] : Bytes[i] / ByteDivisor;
    }

    /// <summary>Writes row <paramref name="row"/>'s feature values (<see cref="FeatureCount"/> of them) into <paramref name="destination"/>.</summary>
    public void ReadRow(int row, Span<float> destination)
    {
        int start = row * FeatureCount;
        if (Bytes is null)
        {
            Floats.AsSpan(start, FeatureCount).CopyTo(destination);
            return;
        }
        var bytes = Bytes.AsSpan(start, FeatureCount);
        for (int c = 0; c < bytes.Length; c++) destination[c] = bytes[c] / ByteDivisor;
    }

    /// <summary>Every feature value in float32 (for eval and predict, which prepare features on the host).</summary>
    public float[] ToFloat32()
    {
        if (Bytes is null) return Floats!;
        var values = new float[Bytes.Length];
        for (int i = 0; i < values.Length; i++) values[i] = Bytes[i] / ByteDivisor;
        return values;
    }

    /// <summary>The rows <paramref name="rows"/> in that order, at the stored type, with the same classes.</summary>
    public Dataset Subset(ReadOnlySpan<int> rows)
    {
        var labels = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++) labels[i] = Labels[rows[i]];
        return Bytes is null
            ? new Dataset(Name, CopyRows(Floats!, rows), labels, FeatureCount, ClassCount, ClassNames)
            : new Dataset(Name, CopyRows(Bytes, rows), ByteDivisor, labels, FeatureCount, ClassCount, ClassNames);
    }

    private T[] CopyRows<T>(T[] values, ReadOnlySpan<int> rows)
    {
        var copy = new T[(long)rows.Length * FeatureCount];
        for (int i = 0; i < rows.Length; i++)
            values.AsSpan(rows[i] * FeatureCount, FeatureCount).CopyTo(copy.AsSpan(i * FeatureCount));
        return copy;
    }
}

/// <summary>A training set and the held-out set that the per-epoch test metrics use.</summary>
public sealed record DataSplit(Dataset Train, Dataset Test);
