namespace GpuNet.Cli.Commands;

/// <summary>The line <c>train</c> prints about a CSV's encoding: which columns are one-hot and how missing cells are filled.</summary>
public static class EncodingNote
{
    public static string For(TableEncoding encoding, int trainingRows)
    {
        var oneHot = encoding.Columns.Select((c, f) => (c, f)).Where(p => p.c.IsCategorical)
            .Select(p => $"{p.c.Name ?? $"column {p.f + 1}"} ({p.c.Width} categories)").ToArray();
        string categories = oneHot.Length == 0 ? "no categorical column" : $"one-hot {string.Join(", ", oneHot)}";
        string missing = encoding.Impute is { } impute
            ? $"missing cells filled with the {impute.Name().Replace('-', ' ')} value{(oneHot.Length > 0 && impute != ImputeStrategy.MostFrequent ? " (a category: the most frequent)" : "")}"
            : "no missing cells allowed (--impute)";
        return $"encoding: {encoding.Columns.Count} columns as {encoding.Width} inputs, {categories}; {missing}; fitted on the {trainingRows} training rows";
    }
}
