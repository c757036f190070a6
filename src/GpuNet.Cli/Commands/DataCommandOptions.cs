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
    public Option<int> LabelColumn { get; } = new("--label-column") { Description = "CSV: zero-based label column, -1 for the last", DefaultValueFactory = _ => 0 };
    public Option<bool> Header { get; } = new("--header") { Description = "CSV: the first row is a header (detected when not given)" };
    public Option<int> Samples { get; } = new("--samples") { Description = "Synthetic sets: number of points", DefaultValueFactory = _ => 1000 };
    public Option<int?> Classes { get; } = new("--classes") { Description = "Synthetic sets: number of classes (blobs, spirals)" };
    public Option<float?> Noise { get; } = new("--noise") { Description = "Synthetic sets: noise (σ of the blobs, angle jitter of the spirals)" };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for synthetic data and the held-out splits (and, for train, initialisation and shuffling)", DefaultValueFactory = _ => 0 };

    public IEnumerable<Option> All => [Data, DataDir, TestData, Labels, TestLabels, TestFraction, LabelColumn, Header, Samples, Classes, Noise, Seed];

    public DataOptions Read(ParseResult parsed) => new()
    {
        Source = parsed.GetValue(Data)!,
        DataDir = parsed.GetValue(DataDir),
        TestData = parsed.GetValue(TestData),
        Labels = parsed.GetValue(Labels),
        TestLabels = parsed.GetValue(TestLabels),
        TestFraction = parsed.GetValue(TestFraction),
        LabelColumn = parsed.GetValue(LabelColumn),
        Header = parsed.GetValue(Header) ? true : null,
        Samples = parsed.GetValue(Samples),
        Classes = parsed.GetValue(Classes),
        Noise = parsed.GetValue(Noise),
        Seed = parsed.GetValue(Seed),
    };
}
