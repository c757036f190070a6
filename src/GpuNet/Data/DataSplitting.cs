namespace GpuNet.Data;

/// <summary>Seeded shuffle-and-hold-out split shared by the synthetic sets and a CSV without a test file.</summary>
public static class DataSplitting
{
    /// <summary>Number of rows held out for testing: round(count × fraction), but at least one row on each side.</summary>
    public static int TestCount(int count, double testFraction)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "need at least 2 rows to split");
        return Math.Clamp((int)Math.Round(count * testFraction), 1, count - 1);
    }

    /// <summary>
    /// Shuffles the rows with <paramref name="random"/> and cuts off the last <see cref="TestCount"/> as the test set,
    /// both at the stored type. Both halves get the same class count and names, so a class missing from one half still has its index.
    /// </summary>
    public static DataSplit ShuffleSplit(Dataset all, double testFraction, SeededRandom random)
    {
        int[] order = random.Permutation(all.Count);
        return Split(all, order, all.Count - TestCount(all.Count, testFraction));
    }

    /// <summary>The rows order[..trainCount] as the training set and the rest as the test set.</summary>
    public static DataSplit Split(Dataset all, int[] order, int trainCount) =>
        new(all.Subset(order.AsSpan(0, trainCount)), all.Subset(order.AsSpan(trainCount)));
}
