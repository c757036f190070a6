namespace GpuNet.Data;

/// <summary>
/// What data a run asks for: its source and the settings that go with it. <see cref="Source"/> is a catalog name
/// (fashion-mnist, mnist), a synthetic set (blobs, xor, spirals, circles), a CSV file path, or a .npy features file
/// (with <see cref="Labels"/>).
/// </summary>
public sealed record DataOptions
{
    public required string Source { get; init; }
    /// <summary>The first place to look for catalog datasets.</summary>
    public string? DataDir { get; init; }
    /// <summary>A separate test file (CSV or .npy sources only).</summary>
    public string? TestData { get; init; }
    /// <summary>The .npy labels of a .npy features source.</summary>
    public string? Labels { get; init; }
    /// <summary>The .npy labels of a .npy <see cref="TestData"/>.</summary>
    public string? TestLabels { get; init; }
    /// <summary>Synthetic sets: total samples before the train/test split.</summary>
    public int Samples { get; init; } = 1000;
    /// <summary>Synthetic sets: number of classes (blobs, spirals); xor and circles are always 2.</summary>
    public int? Classes { get; init; }
    /// <summary>Synthetic sets: noise level (standard deviation, in the set's own units).</summary>
    public float? Noise { get; init; }
    public int Seed { get; init; }
    /// <summary>CSV: zero-based label column; negative counts from the end (-1 is the last column).</summary>
    public int LabelColumn { get; init; }
    /// <summary>CSV: the label column by its header name, instead of <see cref="LabelColumn"/>.</summary>
    public string? LabelName { get; init; }
    /// <summary>CSV: columns (header names or indices) that are not features.</summary>
    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];
    /// <summary>CSV: a column (header name or index) that identifies the rows and is never a feature.</summary>
    public string? IdColumn { get; init; }
    /// <summary>CSV: a model's named columns, matched by name in a file with a header (eval); null reads features by position.</summary>
    public FeatureColumns? ExpectedColumns { get; init; }
    /// <summary>CSV: feature columns (header names or indices) one-hot encoded even where they hold numbers (a text column always is).</summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];
    /// <summary>CSV: how missing feature cells are filled (fitted on the training split); null refuses them.</summary>
    public ImputeStrategy? Impute { get; init; }
    /// <summary>CSV: a model's encoding of its raw columns (eval), which fixes their kinds and categories; null detects them.</summary>
    public TableEncoding? Encoding { get; init; }
    /// <summary>CSV: true = first row is a header; false = never; null = detect.</summary>
    public bool? Header { get; init; }
    /// <summary>Fraction held out as the test split for synthetic sets and for a CSV without a <see cref="TestData"/> file.</summary>
    public double TestFraction { get; init; } = 0.2;
    /// <summary>CSV: the classes to encode labels with (a saved model's), instead of fitting them on the training file; null to fit.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
    /// <summary>
    /// .npy: a features file whose values would take more than this many bytes in memory stays memory-mapped and its sets
    /// are read in chunks (training streams them); null reads every file into memory.
    /// </summary>
    public long? MapAbove { get; init; }
}
