namespace GpuNet.Cli.Commands;

/// <summary>
/// The options that say which data to use, shared by <c>train</c> and <c>eval</c> so that eval,
/// given the same values, sees exactly the split train held out.
/// </summary>
public sealed class DataCommandOptions
{
    public DataCommandOptions(bool dataRequired)
    {
        Data = new("--data") { Description = "fashion-mnist, mnist, blobs, xor, spirals, circles, a CSV file, or a .npy features file (with --labels)", Required = dataRequired };
        if (!dataRequired) Data.DefaultValueFactory = _ => "fashion-mnist";
    }

    public Option<string> Data { get; }
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Where to look first for fashion-mnist/mnist (then $GPUNET_DATA, ~/.cache/gpunet/<name>, /usr/share/datasets/<name>)" };
    public Option<string?> TestData { get; } = new("--test-data") { Description = "A separate CSV or .npy test file (otherwise --test-fraction of the rows, drawn by a shuffle seeded with --seed, is held out)" };
    public Option<string?> Labels { get; } = new("--labels") { Description = ".npy features: their labels, a 1-D .npy of class indices (any integer type)" };
    public Option<string?> TestLabels { get; } = new("--test-labels") { Description = ".npy --test-data: its labels" };
    public Option<double> TestFraction { get; } = new("--test-fraction") { Description = "Share held out for testing (a seeded shuffle) from synthetic sets and from a CSV or .npy file without --test-data", DefaultValueFactory = _ => 0.2 };
    public Option<string> LabelColumn { get; } = new("--label-column") { Description = "CSV: the label column, by header name or zero-based index (negative counts from the end: -1 is the last)", DefaultValueFactory = _ => "0" };
    public Option<string?> IgnoreColumns { get; } = new("--ignore-columns") { Description = "CSV: columns that are not features, comma-separated header names or zero-based indices" };
    public Option<string?> IdColumn { get; } = new("--id-column") { Description = "CSV: a column that identifies the rows (header name or index): never a feature; predict copies it into its output" };
    public Option<string?> Categorical { get; } = new("--categorical") { Description = "CSV: feature columns to one-hot encode although they hold numbers (integer codes), comma-separated header names or zero-based indices; a text column always is (categories fitted on the training split, an unseen one all zeros)" };
    public Option<string?> Impute { get; } = new Option<string?>("--impute") { Description = "CSV: fill missing feature cells (empty, NA, NaN, ...) with the training split's mean, median or most-frequent value (scikit-learn's SimpleImputer; a categorical column takes its most frequent category); without it a missing cell is an error" }.AcceptOnlyFromAmong([.. ImputeStrategies.Names]);
    public Option<bool> Header { get; } = new("--header") { Description = "CSV: the first row is a header (detected when not given)" };
    public Option<int> Samples { get; } = new("--samples") { Description = "Synthetic sets: number of points", DefaultValueFactory = _ => 1000 };
    public Option<int?> Classes { get; } = new("--classes") { Description = "Synthetic sets: number of classes (blobs, spirals)" };
    public Option<float?> Noise { get; } = new("--noise") { Description = "Synthetic sets: noise (σ of the blobs, angle jitter of the spirals)" };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for synthetic data and the held-out splits (and, for train, initialisation and shuffling)", DefaultValueFactory = _ => 0 };

    public IEnumerable<Option> All => [Data, DataDir, TestData, Labels, TestLabels, TestFraction, LabelColumn, IgnoreColumns, IdColumn, Categorical, Impute, Header, Samples, Classes, Noise, Seed];

    public DataOptions Read(ParseResult parsed) => new()
    {
        Source = parsed.GetValue(Data)!,
        DataDir = parsed.GetValue(DataDir),
        TestData = parsed.GetValue(TestData),
        Labels = parsed.GetValue(Labels),
        TestLabels = parsed.GetValue(TestLabels),
        TestFraction = parsed.GetValue(TestFraction),
        LabelColumn = ColumnIndex(parsed.GetValue(LabelColumn)!) ?? 0,
        LabelName = ColumnIndex(parsed.GetValue(LabelColumn)!) is null ? parsed.GetValue(LabelColumn) : null,
        IgnoreColumns = Columns(parsed.GetValue(IgnoreColumns), IgnoreColumns),
        IdColumn = parsed.GetValue(IdColumn) is { } id ? Column(id, IdColumn) : null,
        Categorical = Columns(parsed.GetValue(Categorical), Categorical),
        Impute = parsed.GetValue(Impute) is { } impute && ImputeStrategies.TryParse(impute, out var strategy) ? strategy : null,
        Header = parsed.GetValue(Header) ? true : null,
        Samples = parsed.GetValue(Samples),
        Classes = parsed.GetValue(Classes),
        Noise = parsed.GetValue(Noise),
        Seed = parsed.GetValue(Seed),
    };

    /// <summary>An integer is a column index; any other text, a header name.</summary>
    /// <summary>A column given as an index ("3", "-1"), or null when it is a header name.</summary>
    internal static int? ColumnIndex(string column) =>
        int.TryParse(column.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int index) ? index : null;

    internal static string Column(string column, Option option) =>
        string.IsNullOrWhiteSpace(column) ? throw new UsageException($"{option.Name} needs a column name or index (got an empty one)") : column.Trim();

    /// <summary>"a, b,3" as its columns; an empty item is an error (most often a stray comma).</summary>
    internal static IReadOnlyList<string> Columns(string? list, Option option) =>
        list is null ? [] : list.Split(',').Select(c => Column(c, option)).ToArray();
}
