using GpuNet.Settings;

namespace GpuNet.Data;

/// <summary>
/// The one entry point the CLI calls: turns <see cref="DataOptions"/> into a train/test split.
/// <see cref="DataOptions.Source"/> is tried as a catalog name, then a synthetic set name, then a CSV path;
/// names win, so a CSV file literally called "blobs" must be given as ./blobs.
/// </summary>
public static class DataSources
{
    /// <summary>Every source name accepted besides a file path, for help text and error messages.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. DatasetCatalog.Names, .. SyntheticData.Names];

    public static DataSplit Load(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string source = options.Source?.Trim() ?? "";
        ValidateCommon(options);
        bool isFile = IsFile(source), isNpy = isFile && NpyReader.IsNpy(source);
        if (!isNpy) RejectNpyLabels(options, source);
        if (!isFile || isNpy) RejectTableOptions(options, source);

        if (DatasetCatalog.Contains(source))
        {
            RejectSyntheticOptions(options, source);
            RejectTestData(options, source);
            return DatasetCatalog.Load(source, options.DataDir);
        }
        if (SyntheticData.Contains(source))
        {
            RejectTestData(options, source);
            return SyntheticData.Generate(source, options.Samples, options.Classes, options.Noise, options.Seed, options.TestFraction);
        }
        if (isNpy)
        {
            RejectSyntheticOptions(options, source);
            if (options.Labels is null)
                throw new UsageException($"{Setting.Labels}: '{source}' is a .npy features file: name its .npy labels too");
            if (options.TestData is null && options.TestLabels is not null)
                throw new UsageException($"{Setting.TestLabels} needs {Setting.TestData}");
            if (options.TestData is not null && options.TestLabels is null)
                throw new UsageException($"{Setting.TestData} of a .npy source needs {Setting.TestLabels}");
            return NpyReader.LoadSplit(source, options.Labels, options.TestData, options.TestLabels, options.ClassNames, options.TestFraction, options.Seed, options.MapAbove);
        }
        if (isFile)
        {
            RejectSyntheticOptions(options, source);
            return CsvReader.LoadSplit(source, options.TestData, CsvFormat.Of(options) with { Classes = options.ClassNames },
                options.TestFraction, options.Seed);
        }
        throw new UsageException($"{Setting.Data}: unknown source '{source}': expected {string.Join(", ", Names)} or a path to a CSV or .npy file");
    }

    /// <summary>
    /// True when <paramref name="source"/> names a table (a CSV or .npy file, or standard input), not an image set of the
    /// catalog or a synthetic set: tables are standardised by default and train with <see cref="Training.MlpDefaults"/>.
    /// </summary>
    public static bool IsTable(string source) => !DatasetCatalog.Contains(source.Trim()) && !SyntheticData.Contains(source.Trim());

    /// <summary>True when <paramref name="source"/> is read as a CSV file (or standard input) rather than taken as a name.</summary>
    public static bool IsFile(string source)
    {
        source = source.Trim();
        return !DatasetCatalog.Contains(source) && !SyntheticData.Contains(source)
            && (source == InputFile.StandardInput || File.Exists(source) || Directory.Exists(source) || LooksLikePath(source));
    }

    /// <summary>A missing file named like one ("data.csv", "dir/x") is a missing file, not an unknown dataset name.</summary>
    private static bool LooksLikePath(string source)
        => source.IndexOfAny(['/', '\\', '.']) >= 0;

    private static void ValidateCommon(DataOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Source))
            throw new UsageException($"{Setting.Data}: missing: expected {string.Join(", ", Names)} or a path to a CSV or .npy file");
        if (!(options.TestFraction > 0 && options.TestFraction < 1))
            throw new UsageException($"{Setting.TestFraction} {options.TestFraction}: must be between 0 and 1 (exclusive)");
        SyntheticData.ValidateOptions(options.Samples, options.Classes, options.Noise);
    }

    /// <summary>Classes and noise shape generated data; on a file they would be silently ignored, so refuse them.</summary>
    private static void RejectSyntheticOptions(DataOptions options, string source)
    {
        if (options.Classes is not null)
            throw new UsageException($"{Setting.Classes} applies only to synthetic sets ({string.Join(", ", SyntheticData.Names)}), not to '{source}'");
        if (options.Noise is not null)
            throw new UsageException($"{Setting.Noise} applies only to synthetic sets ({string.Join(", ", SyntheticData.Names)}), not to '{source}'");
    }

    /// <summary>Label files name the labels of .npy features; anywhere else they would be ignored.</summary>
    private static void RejectNpyLabels(DataOptions options, string source)
    {
        if (options.Labels is not null || options.TestLabels is not null)
            throw new UsageException($"{(options.Labels is not null ? Setting.Labels : Setting.TestLabels)} applies only to .npy features, not to '{source}'");
    }

    /// <summary>Categories and missing cells are a CSV's: IDX, .npy and the synthetic sets hold numbers only.</summary>
    private static void RejectTableOptions(DataOptions options, string source)
    {
        if (options.Categorical.Count > 0 || options.Impute is not null)
            throw new UsageException($"{(options.Impute is not null ? Setting.Impute : Setting.Categorical)} applies only to CSV files, not to '{source}'");
    }

    private static void RejectTestData(DataOptions options, string source)
    {
        if (options.TestData is not null)
            throw new UsageException($"{Setting.TestData} applies only to CSV and .npy files; '{source}' brings its own test split");
    }
}
