namespace GpuNet.Data;

/// <summary>
/// A labelled dataset in host memory: Features is [Count, FeatureCount] row-major float32,
/// Labels are class indices in [0, ClassCount).
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, float[] features, int[] labels, int featureCount, int classCount, IReadOnlyList<string>? classNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (features.Length != (long)labels.Length * featureCount)
            throw new ArgumentException($"{name}: {features.Length} feature values do not make {labels.Length} rows of {featureCount}");
        Name = name;
        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
        ClassCount = classCount;
        ClassNames = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public string Name { get; }
    public float[] Features { get; }
    public int[] Labels { get; }
    public int Count => Labels.Length;
    public int FeatureCount { get; }
    public int ClassCount { get; }
    public IReadOnlyList<string> ClassNames { get; }

    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);
}

/// <summary>A training set and the held-out set that the per-epoch test metrics use.</summary>
public sealed record DataSplit(Dataset Train, Dataset Test);
