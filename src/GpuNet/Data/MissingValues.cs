namespace GpuNet.Data;

/// <summary>
/// The cells a CSV reader takes for a missing value: an empty cell, or one of the texts pandas' <c>read_csv</c> reads as
/// NaN by default (NA, NaN, null, None, N/A, #N/A, …), so a table that pandas reads with gaps has the same gaps here.
/// </summary>
public static class MissingValues
{
    /// <summary>pandas' default <c>na_values</c> (case as listed: "NA" and "nan" are missing, "Na" is a category).</summary>
    public static IReadOnlyList<string> Texts { get; } =
        ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"];

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = new HashSet<string>(Texts, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Whether a (trimmed) cell is missing. No missing text ends in a digit, so a number is passed over without a lookup.</summary>
    public static bool Contains(ReadOnlySpan<char> cell) => !(cell.Length > 0 && char.IsAsciiDigit(cell[^1])) && Lookup.Contains(cell);
}
