namespace GpuNet.Backends;

/// <summary>The pack ops' argument checks every backend shares (the buffers' lengths each backend checks as it checks any op's).</summary>
internal static class PackChecks
{
    /// <summary>
    /// A range of feature rows of <paramref name="rows"/> samples and a step row: returns the elements the arena needs,
    /// (firstFeature + features)·rows, within a 32-bit launch.
    /// </summary>
    public static int FeatureRange(PackTables pack, int firstFeature, int features, int rows, int stepRow)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentOutOfRangeException.ThrowIfNegative(firstFeature);
        ArgumentOutOfRangeException.ThrowIfNegative(features);
        if ((long)firstFeature + features > pack.FeatureCount)
            throw new ArgumentOutOfRangeException(nameof(features), $"feature rows [{firstFeature}, {(long)firstFeature + features}) are not within the pack's {pack.FeatureCount}");
        return Arena(pack, firstFeature + features, rows, stepRow);
    }

    /// <summary>The elements of <paramref name="features"/> feature rows of <paramref name="rows"/> samples, and a step row within the pack's.</summary>
    public static int Arena(PackTables pack, int features, int rows, int stepRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        StepRow(pack, stepRow);
        long count = (long)features * rows;
        if (count > int.MaxValue)
            throw new ArgumentException($"{features} feature rows of {rows} exceed a 32-bit launch", nameof(rows));
        return (int)count;
    }

    public static void StepRow(PackTables pack, int stepRow)
    {
        ArgumentNullException.ThrowIfNull(pack);
        if (stepRow < 0 || stepRow >= pack.StepRows)
            throw new ArgumentOutOfRangeException(nameof(stepRow), stepRow, $"the pack holds the scalars of {pack.StepRows} steps");
    }

    /// <summary>The stats a loss of <paramref name="rows"/> rows adds into: member m's 2·rows slots from m·stride + offset; returns the elements needed.</summary>
    public static long Stats(PackTables pack, int rows, int statsOffset, int statsStride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(statsOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(statsStride);
        if (pack.MemberCount > 1 && statsStride < 2L * rows)
            throw new ArgumentOutOfRangeException(nameof(statsStride), statsStride, $"members' stats of {rows} rows overlap at a stride below {2L * rows}");
        return (long)(pack.MemberCount - 1) * statsStride + statsOffset + 2L * rows;
    }
}
