namespace GpuNet.Data;

/// <summary>Seeded shuffle-and-hold-out split shared by the synthetic sets and a CSV without --test-data.</summary>
public static class DataSplitting
{
    /// <summary>Number of rows held out for testing: round(count × fraction), but at least one row on each side.</summary>
    public static int TestCount(int count, double testFraction)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "need at least 2 rows to split");
        return Math.Clamp((int)Math.Round(count * testFraction), 1, count - 1);
    }

    /// <summary>
    /// Shuffles the rows with <paramref name="random"/> and cuts off the last <see cref="TestCount"/> as the test set.
    /// Both halves get the same class count and names, so a class missing from one half still has its index.
    /// </summary>
    public static DataSplit ShuffleSplit(string name, float[] features, int[] labels, int featureCount, int classCount,
        IReadOnlyList<string>? classNames, double testFraction, SeededRandom random)
    {
        int count = labels.Length;
        int[] order = random.Permutation(count);
        int testCount = TestCount(count, testFraction);
        int trainCount = count - testCount;
        return new DataSplit(
            Gather(name, features, labels, featureCount, classCount, classNames, order.AsSpan(0, trainCount)),
            Gather(name, features, labels, featureCount, classCount, classNames, order.AsSpan(trainCount)));
    }

    private static Dataset Gather(string name, float[] features, int[] labels, int featureCount, int classCount,
        IReadOnlyList<string>? classNames, ReadOnlySpan<int> rows)
    {
        var outFeatures = new float[rows.Length * featureCount];
        var outLabels = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            int row = rows[i];
            outLabels[i] = labels[row];
            features.AsSpan(row * featureCount, featureCount).CopyTo(outFeatures.AsSpan(i * featureCount));
        }
        return new Dataset(name, outFeatures, outLabels, featureCount, classCount, classNames);
    }
}
