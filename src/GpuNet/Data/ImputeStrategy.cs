namespace GpuNet.Data;

/// <summary>
/// How missing feature cells are filled, as scikit-learn's <c>SimpleImputer(strategy=…)</c>, with values fitted on the
/// training split: the column's mean, its median, or its most frequent value (the smallest on a tie). A categorical column
/// takes its most frequent category under every strategy (a mean of categories means nothing).
/// </summary>
public enum ImputeStrategy
{
    Mean,
    Median,
    MostFrequent,
}

public static class ImputeStrategies
{
    /// <summary>The names the options and a checkpoint use, in the order of <see cref="ImputeStrategy"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mean", "median", "most-frequent"];

    public static string Name(this ImputeStrategy strategy) => Names[(int)strategy];

    public static bool TryParse(string name, out ImputeStrategy strategy)
    {
        int index = Names.ToList().IndexOf(name);
        strategy = (ImputeStrategy)Math.Max(index, 0);
        return index >= 0;
    }
}
