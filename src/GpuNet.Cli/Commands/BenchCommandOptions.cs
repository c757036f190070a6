using GpuNet.Bench;

namespace GpuNet.Cli.Commands;

/// <summary>The options of <c>gpunet bench</c> and their translation into a checked <see cref="BenchRequest"/>.</summary>
public sealed class BenchCommandOptions
{
    public const string RandomData = "random";
    private static readonly BenchTiming DefaultTiming = new();

    public Option<string> Op { get; } = new Option<string>("--op") { Description = "train: time training steps; gemm: time matrix multiplies alone", DefaultValueFactory = _ => "train" }.AcceptOnlyFromAmong("train", "gemm");
    public Option<string[]> Device { get; } = new("--device") { Description = "Devices to compare, comma-separated or repeated: cpu, ilgpu-cpu, cuda[:N], opencl[:N], auto", DefaultValueFactory = _ => ["cpu"] };
    public Option<string> Model { get; } = new Option<string>("--model") { Description = "logistic (binary), softmax, or mlp", DefaultValueFactory = _ => "mlp" }.AcceptOnlyFromAmong("logistic", "softmax", "mlp");
    public Option<string?> Hidden { get; } = new("--hidden") { Description = "MLP hidden layer sizes, e.g. 256 or 256,128 [default: 256]" };
    public Option<string> Activation { get; } = new Option<string>("--activation") { Description = "MLP hidden nonlinearity", DefaultValueFactory = _ => "relu" }.AcceptOnlyFromAmong("relu", "sigmoid", "tanh");
    public Option<string?> BatchSizes { get; } = new("--batch-sizes") { Description = "Batch sizes to sweep [default: 32,128,512,2048; --op gemm: 128, for the training shapes]" };
    public Option<string?> Sizes { get; } = new("--sizes") { Description = "--op gemm: square sizes N (N×N·N×N) [default: 512,1024,2048]" };
    public Option<string> Data { get; } = new("--data") { Description = $"{RandomData} (uniform features of the Fashion-MNIST shape: 784 features, 10 classes, 2 for logistic), or any 'gpunet train --data' source such as fashion-mnist", DefaultValueFactory = _ => RandomData };
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Where to look first for fashion-mnist/mnist" };
    public Option<int> Samples { get; } = new("--samples") { Description = $"--data {RandomData}: training rows (steps gather from all of them, like an epoch of Fashion-MNIST)", DefaultValueFactory = _ => 60_000 };
    public Option<int> Warmup { get; } = new("--warmup-steps") { Description = "Untimed steps (or GEMM calls) before timing", DefaultValueFactory = _ => DefaultTiming.WarmupRuns };
    public Option<int?> Steps { get; } = new("--steps") { Description = $"Timed steps (or calls) per point [default: at least {DefaultTiming.MinRuns} and at least --seconds]" };
    public Option<int> Window { get; } = new("--window") { Description = "Steps (or calls) per timed window, closed by one device synchronisation; each sample is the window's mean", DefaultValueFactory = _ => DefaultTiming.Window };
    public Option<double> Seconds { get; } = new("--seconds") { Description = "Minimum timed seconds per point when --steps is not given", DefaultValueFactory = _ => DefaultTiming.MinSeconds };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for the weights, the row order and the random data", DefaultValueFactory = _ => 0 };
    public Option<bool> Json { get; } = new("--json") { Description = "Print the results as a JSON array on stdout (the table goes to stderr)" };
    public Option<string?> Csv { get; } = new("--csv") { Description = "Also write the results to this CSV file" };
    public Option<string> Distributed { get; } = DistributedOption.Create();
    public Option<bool> Profile { get; } = new("--profile") { Description = "--op train: also split one step's time by op (each op synchronised), per device and batch size" };
    public Option<string?> Plot { get; } = new("--plot") { Description = "--op train: write a throughput-versus-batch-size chart to this PNG file" };

    public BenchCommandOptions()
    {
        // Ranges are checked where the options are declared, so the error names the option.
        Range(Warmup, w => w >= 0, w => $"--warmup-steps must be zero or more (got {w})");
        Range(Steps, n => n is null or >= 1, n => $"--steps must be at least 1 (got {n})");
        Range(Seconds, s => s >= 0 && !double.IsInfinity(s), s => $"--seconds must be zero or more (got {s})");
        Range(Window, w => w is >= 1 and <= BenchTiming.MaxWindow, w => $"--window must be 1 to {BenchTiming.MaxWindow} steps (got {w})");
    }

    /// <summary>A range check on a parsed value; a value that does not parse is left to System.CommandLine's own error.</summary>
    private static void Range<T>(Option<T> option, Func<T, bool> valid, Func<T, string> message) => option.Validators.Add(result =>
    {
        if (result.Tokens.Count == 0)
            return; // the default applies
        T value;
        try
        {
            value = result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return; // unparseable: the parser reports it, naming the option
        }
        if (!valid(value))
            result.AddError(message(value));
    });

    public IEnumerable<Option> All =>
    [
        Op, Device, Model, Hidden, Activation, BatchSizes, Sizes,
        Data, DataDir, Samples, Warmup, Steps, Window, Seconds, Seed, Json, Csv, Plot, Profile, Distributed,
    ];

    public BenchRequest Read(ParseResult parsed)
    {
        bool gemm = parsed.GetValue(Op) == "gemm";
        var model = Enum.Parse<ModelKind>(parsed.GetValue(Model)!, ignoreCase: true);
        var hiddenText = parsed.GetValue(Hidden);
        IReadOnlyList<int> hidden = hiddenText is null ? (model == ModelKind.Mlp ? [256] : []) : TrainCommandOptions.ParseHidden(hiddenText);
        var batchText = parsed.GetValue(BatchSizes);
        var sizesText = parsed.GetValue(Sizes);
        if (sizesText is not null && !gemm)
            throw new UsageException("--sizes applies to --op gemm only");
        var plot = parsed.GetValue(Plot);
        if (plot is not null && gemm)
            throw new UsageException("--plot applies to --op train only");
        if (parsed.GetValue(Profile) && gemm)
            throw new UsageException("--profile applies to --op train only");
        if (parsed.GetValue(Csv) is { } csv && string.IsNullOrWhiteSpace(csv))
            throw new UsageException("--csv needs a file name (got an empty one)");
        if (plot is not null && !plot.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--plot '{plot}': the chart is a PNG, so the file name must end in .png");

        var timing = new BenchTiming { WarmupRuns = parsed.GetValue(Warmup), MinSeconds = parsed.GetValue(Seconds), Window = parsed.GetValue(Window) };
        timing.Validate();
        if (parsed.GetValue(Steps) is { } steps)
        {
            timing = timing.WithFixedRuns(steps);
            timing.Validate();
        }

        return new BenchRequest(
            gemm ? BenchOp.Gemm : BenchOp.Train,
            ParseDevices(parsed.GetValue(Device) ?? []),
            model, hidden, Enum.Parse<Activation>(parsed.GetValue(Activation)!, ignoreCase: true),
            batchText is null ? (gemm ? [128] : [32, 128, 512, 2048]) : ParseSizes("--batch-sizes", batchText),
            sizesText is null ? (gemm ? [512, 1024, 2048] : []) : ParseSizes("--sizes", sizesText),
            parsed.GetValue(Data)!, parsed.GetValue(DataDir), parsed.GetValue(Samples), timing, parsed.GetValue(Seed),
            parsed.GetValue(Json), parsed.GetValue(Csv), plot, parsed.GetValue(Profile))
        {
            Distributed = DistributedOption.Read(parsed.GetValue(Distributed)!),
        };
    }

    /// <summary>Comma-separated and repeated --device values, in order, each once.</summary>
    public static IReadOnlyList<string> ParseDevices(IEnumerable<string> values)
    {
        var devices = values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToList();
        if (devices.Count == 0 || devices.Any(d => d.Length == 0))
            throw new UsageException("--device needs one or more device ids, e.g. cpu or cpu,cuda");
        foreach (var device in devices)
            DeviceSpec.Parse(device); // a malformed id fails here, before any device is opened or timed
        return devices.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>"32,128" → [32, 128]; anything but positive integers is a usage error naming the option.</summary>
    public static IReadOnlyList<int> ParseSizes(string option, string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size <= 0)
                throw new UsageException($"{option} '{text}' is not a list of positive integers such as 32,128,512");
            sizes.Add(size);
        }
        return sizes.Distinct().ToArray();
    }
}

public enum BenchOp { Train, Gemm }

/// <summary>A parsed and checked <c>gpunet bench</c> command line.</summary>
public sealed record BenchRequest(
    BenchOp Op,
    IReadOnlyList<string> Devices,
    ModelKind Model,
    IReadOnlyList<int> Hidden,
    Activation Activation,
    IReadOnlyList<int> BatchSizes,
    IReadOnlyList<int> Sizes,
    string Data,
    string? DataDir,
    int Samples,
    BenchTiming Timing,
    int Seed,
    bool Json,
    string? CsvPath,
    string? PlotPath,
    bool Profile)
{
    /// <summary>--distributed: under mpirun, time the data-parallel step (global batch) instead of one process's.</summary>
    public Distributed.DistributedMode Distributed { get; init; }
}
