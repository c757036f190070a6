using GpuNet.Data;

namespace GpuNet.Checkpoints;

/// <summary>
/// How eval and predict read a CSV file for a saved model: its columns matched by name, its categorical columns read as
/// categories and missing cells let in where it imputes them, then the rows encoded into its inputs (<see cref="TableEncoding"/>).
/// </summary>
public static class ModelInputs
{
    /// <summary><paramref name="format"/> with the model's columns, kinds and categories.</summary>
    public static CsvFormat ReadFormat(this ModelCheckpoint checkpoint, CsvFormat format) => format with
    {
        Expected = checkpoint.Columns,
        Categories = CsvCategories.Of(Kinds(checkpoint)),
        AllowMissing = checkpoint.Encoding?.Impute is not null,
    };

    /// <summary><paramref name="options"/> with the model's classes, columns, kinds and categories.</summary>
    public static DataOptions ReadOptions(this ModelCheckpoint checkpoint, DataOptions options) =>
        options with { ClassNames = checkpoint.ClassNames, ExpectedColumns = checkpoint.Columns, Encoding = Kinds(checkpoint), Categorical = [], Impute = null };

    /// <summary>The model's encoding, or for a model without one its inputs as numbers (text in them is refused, never coded).</summary>
    private static TableEncoding Kinds(ModelCheckpoint checkpoint) =>
        checkpoint.Encoding ?? new TableEncoding(Enumerable.Repeat(new ColumnEncoding(null, null, null), checkpoint.Spec.Inputs).ToArray(), null);

    /// <summary>Raw rows as the model's inputs (unchanged for a model without an encoding).</summary>
    public static Dataset Encode(this ModelCheckpoint checkpoint, Dataset raw, CsvCategories? read)
    {
        if (checkpoint.Encoding is not { } encoding) return raw;
        RequireRawWidth(encoding, raw.FeatureCount, read, raw.Name);
        return encoding.Apply(raw, read!);
    }

    /// <summary>A table's rows as the model's inputs (its features unchanged for a model without an encoding).</summary>
    public static float[] Encode(this ModelCheckpoint checkpoint, CsvTable table)
    {
        if (checkpoint.Encoding is not { } encoding) return table.Features;
        RequireRawWidth(encoding, table.FeatureCount, table.Categories, table.Name);
        return encoding.Apply(table.Features, table.Count, table.Categories);
    }

    private static void RequireRawWidth(TableEncoding encoding, int width, CsvCategories? read, string file)
    {
        if (width != encoding.Columns.Count || read is null || read.FeatureCount != width)
            throw new DataException($"{file}: rows have {width} feature columns, but the model reads {encoding.Columns.Count} (which it encodes as {encoding.Width} inputs)");
    }
}
