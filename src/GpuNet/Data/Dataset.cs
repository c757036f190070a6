namespace GpuNet.Data;

/// <summary>
/// A labelled dataset in host memory: features [Count, FeatureCount] row-major at their stored type, never widened:
/// <see cref="Floats"/>, or <see cref="Bytes"/> (IDX images, uint8 .npy: a quarter of float32's memory and bandwidth), or
/// left in a memory-mapped .npy file (<see cref="Mapped"/>) when the set is larger than the memory a run may use.
/// Labels are class indices in [0, ClassCount), stored at the smallest integer width that holds them (<see cref="ClassLabels"/>).
/// The feature value of a stored byte b is b / <see cref="ByteDivisor"/> in float32 (255 for images, as PyTorch's
/// ToTensor scales them): the minibatch gather computes exactly that, so nothing holds a float copy.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, float[] features, ClassLabels labels, int featureCount, int classCount, IReadOnlyList<string>? classNames = null)
        : this(name, features.LongLength, labels, featureCount, classCount, classNames)
    {
        Floats = features;
    }

    public Dataset(string name, byte[] features, float byteDivisor, ClassLabels labels, int featureCount, int classCount, IReadOnlyList<string>? classNames = null)
        : this(name, features.LongLength, labels, featureCount, classCount, classNames)
    {
        if (!(byteDivisor > 0) || float.IsInfinity(byteDivisor))
            throw new ArgumentOutOfRangeException(nameof(byteDivisor), byteDivisor, "the byte divisor must be a positive number");
        Bytes = features;
        ByteDivisor = byteDivisor;
    }

    /// <summary>A set whose features stay in their mapped file: read in chunks (<see cref="CopyRows(int, int, Span{byte})"/>), never held whole.</summary>
    public Dataset(string name, MappedFeatures features, float byteDivisor, ClassLabels labels, int classCount, IReadOnlyList<string>? classNames = null)
        : this(name, (long)features.Count * features.FeatureCount, labels, features.FeatureCount, classCount, classNames)
    {
        if (!(byteDivisor > 0) || float.IsInfinity(byteDivisor))
            throw new ArgumentOutOfRangeException(nameof(byteDivisor), byteDivisor, "the byte divisor must be a positive number");
        Mapped = features;
        ByteDivisor = features.StoresBytes ? byteDivisor : 1f;
    }

    private Dataset(string name, long values, ClassLabels labels, int featureCount, int classCount, IReadOnlyList<string>? classNames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (values != (long)labels.Count * featureCount)
            throw new ArgumentException($"{name}: {values} feature values do not make {labels.Count} rows of {featureCount}");
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
    /// <summary>The features when they stay in their mapped file, else null.</summary>
    public MappedFeatures? Mapped { get; }
    /// <summary>True when the features are stored as bytes, in memory or in the mapped file.</summary>
    public bool StoresBytes => Bytes is not null || Mapped is { StoresBytes: true };
    /// <summary>Bytes per stored feature value.</summary>
    public int ValueSize => StoresBytes ? 1 : sizeof(float);
    /// <summary>The size of the stored features.</summary>
    public long FeatureBytes => (long)Count * FeatureCount * ValueSize;
    /// <summary>What a stored byte is divided by to give its feature value (1 for float32 features).</summary>
    public float ByteDivisor { get; } = 1f;
    public ClassLabels Labels { get; }
    public int Count => Labels.Count;
    public int FeatureCount { get; }
    public int ClassCount { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The feature value at (<paramref name="row"/>, <paramref name="column"/>) in float32, as the gather computes it.</summary>
    public float Feature(int row, int column)
    {
        if (Mapped is not null)
        {
            var values = new float[FeatureCount];
            ReadRow(row, values);
            return values[column];
        }
        long i = (long)row * FeatureCount + column;
        return Bytes is null ? Floats![i] : ByteFeatures.Value(Bytes[i], ByteDivisor);
    }

    /// <summary>Writes row <paramref name="row"/>'s feature values (<see cref="FeatureCount"/> of them) into <paramref name="destination"/>.</summary>
    public void ReadRow(int row, Span<float> destination)
    {
        int start = row * FeatureCount;
        if (Mapped is not null) Mapped.ReadRow(row, destination, ByteDivisor);
        else if (Bytes is null) Floats.AsSpan(start, FeatureCount).CopyTo(destination);
        else ByteFeatures.Convert(Bytes.AsSpan(start, FeatureCount), destination, ByteDivisor);
    }

    /// <summary>Rows [start, start + count) at their stored bytes into <paramref name="destination"/> (sets that store bytes).</summary>
    public void CopyRows(int start, int count, Span<byte> destination)
    {
        if (Mapped is not null) Mapped.CopyRows(start, count, destination);
        else Bytes.AsSpan(start * FeatureCount, count * FeatureCount).CopyTo(destination);
    }

    /// <summary>Rows [start, start + count) at their stored float32 values into <paramref name="destination"/> (sets that store floats).</summary>
    public void CopyRows(int start, int count, Span<float> destination)
    {
        if (Mapped is not null) Mapped.CopyRows(start, count, destination);
        else Floats.AsSpan(start * FeatureCount, count * FeatureCount).CopyTo(destination);
    }

    /// <summary>Every feature value in float32 (for eval and predict, which prepare features on the host).</summary>
    public float[] ToFloat32()
    {
        if (Floats is not null) return Floats;
        var values = new float[(long)Count * FeatureCount];
        if (Bytes is not null) ByteFeatures.Convert(Bytes, values, ByteDivisor);
        else for (int r = 0; r < Count; r++) ReadRow(r, values.AsSpan(r * FeatureCount, FeatureCount));
        return values;
    }

    /// <summary>
    /// The rows <paramref name="rows"/> in that order, at the stored type, with the same classes. A mapped set's subset
    /// stays mapped and keeps file order instead (so its chunks stay nearly sequential reads).
    /// </summary>
    public Dataset Subset(ReadOnlySpan<int> rows)
    {
        if (Mapped is not null)
        {
            var sorted = rows.ToArray();
            Array.Sort(sorted);
            return new Dataset(Name, Mapped.Subset(sorted), ByteDivisor, Labels.Pick(sorted), ClassCount, ClassNames);
        }
        var labels = Labels.Pick(rows);
        return Bytes is null
            ? new Dataset(Name, CopyRowsAt(Floats!, rows), labels, FeatureCount, ClassCount, ClassNames)
            : new Dataset(Name, CopyRowsAt(Bytes, rows), ByteDivisor, labels, FeatureCount, ClassCount, ClassNames);
    }

    private T[] CopyRowsAt<T>(T[] values, ReadOnlySpan<int> rows)
    {
        var copy = new T[(long)rows.Length * FeatureCount];
        for (int i = 0; i < rows.Length; i++)
            values.AsSpan(rows[i] * FeatureCount, FeatureCount).CopyTo(copy.AsSpan(i * FeatureCount));
        return copy;
    }
}

/// <summary>A training set and the held-out set that the per-epoch test metrics use.</summary>
public sealed record DataSplit(Dataset Train, Dataset Test)
{
    /// <summary>The named columns of a CSV source with a header (a checkpoint stores them); null for any other data.</summary>
    public FeatureColumns? Columns { get; init; }
    /// <summary>A CSV source's categorical columns and the texts of their codes, which the features hold until encoded; null for any other data.</summary>
    public CsvCategories? Categories { get; init; }
    /// <summary>The encoding fitted on the training split that made the sets' features (a checkpoint stores it); null when the features are the raw values.</summary>
    public TableEncoding? Encoding { get; init; }
}
