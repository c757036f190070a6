using GpuNet.Bench;

namespace GpuNet.Cli.Commands;

/// <summary>The options of <c>gpunet bench</c> and their translation into a checked <see cref="BenchRequest"/>.</summary>
public sealed class BenchCommandOptions
{
    public const string RandomData = "random";
    private static readonly BenchTiming DefaultTiming = new();

    public Option<string> Op { get; } = new Option<string>("--op") { Description = "train: time training steps; gemm: time matrix multiplies alone", DefaultValueFactory = _ => "train" }.AcceptOnlyFromAmong("train", "gemm");
    public Option<string[]> Device { get; } = DeviceOption.CreateList();
    public ModelSpecOptions ModelOptions { get; } = new();
    public Option<string?> BatchSizes { get; } = new("--batch-sizes") { Description = "Batch sizes to sweep [default: 32,128,512,2048; --op gemm: 128, for the training shapes]" };
    public Option<string?> Sizes { get; } = new("--sizes") { Description = "--op gemm: square sizes N (N×N·N×N) [default: 512,1024,2048]" };
    public Option<string> Data { get; } = new("--data") { Description = $"{RandomData} (uniform features of the Fashion-MNIST shape: 784 features, 10 classes, 2 for logistic), or any 'gpunet train --data' source such as fashion-mnist", DefaultValueFactory = _ => RandomData };
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Where to look first for fashion-mnist/mnist" };
    public Option<int> Samples { get; } = new("--samples") { Description = $"--data {RandomData}: training rows (steps gather from all of them, like an epoch of Fashion-MNIST)", DefaultValueFactory = _ => 60_000 };
    public Option<int> Warmup { get; } = new Option<int>("--warmup-steps") { Description = "Untimed steps (or GEMM calls) before timing", DefaultValueFactory = _ => DefaultTiming.WarmupRuns }.AtLeast(0);
    public Option<int?> Steps { get; } = new Option<int?>("--steps") { Description = $"Timed steps (or calls) per point [default: at least {DefaultTiming.MinRuns} and at least --seconds]" }.Require(n => n is null or >= 1, "must be at least 1");
    public Option<int> Window { get; } = new Option<int>("--window") { Description = "Steps (or calls) per timed window, closed by one device synchronisation; each sample is the window's mean", DefaultValueFactory = _ => DefaultTiming.Window }
        .Require(w => w is >= 1 and <= BenchTiming.MaxWindow, $"must be 1 to {BenchTiming.MaxWindow} steps");
    public Option<double> Seconds { get; } = new Option<double>("--seconds") { Description = "Minimum timed seconds per point when --steps is not given", DefaultValueFactory = _ => DefaultTiming.MinSeconds }
        .Require(s => s >= 0 && !double.IsInfinity(s), "must be zero or more");
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for the weights, the row order and the random data", DefaultValueFactory = _ => 0 };
    public Option<bool> Json { get; } = new("--json") { Description = "Print the results as a JSON array on stdout (the table goes to stderr)" };
    public Option<string?> Csv { get; } = new("--csv") { Description = "Also write the results to this CSV file ('-' is stdout)" };
    public Option<string> Distributed { get; } = DistributedOption.Create();
    public Option<bool> Profile { get; } = new("--profile") { Description = "--op train: also split one step's time by op (each op synchronised), per device and batch size" };
    public Option<int?> Models { get; } = new Option<int?>("--models") { Description = "--op train: time a pack of N copies of the model stepping together (as gpunet sweep trains them) against N solo steps, in interleaved rounds" }
        .Require(n => n is null or (>= 1 and <= 4096), "must be 1 to 4096 models");
    public Option<bool> Unfused { get; } = new("--unfused")
    {
        Description = "--op train on ILGPU devices: run each GEMM's bias + activation, activation backward and bias gradient as launches of their own, as steps did before they were fused, to time the fusion against (cpu runs them as separate ops either way)",
    };
    public Option<string?> Plot { get; } = new("--plot") { Description = "--op train: write a throughput-versus-batch-size chart to this PNG file" };

    public IEnumerable<Option> All =>
    [
        Op, Device, .. ModelOptions.All, BatchSizes, Sizes,
        Data, DataDir, Samples, Warmup, Steps, Window, Seconds, Seed, Json, Csv, Plot, Profile, Models, Unfused, Distributed,
    ];

    public BenchRequest Read(ParseResult parsed)
    {
        bool gemm = parsed.GetValue(Op) == "gemm";
        var (model, hidden, activation) = ModelOptions.Read(parsed);
        var batchText = parsed.GetValue(BatchSizes);
        var sizesText = parsed.GetValue(Sizes);
        if (sizesText is not null && !gemm)
            throw new UsageException("--sizes applies to --op gemm only");
        var plot = parsed.GetValue(Plot);
        if (plot is not null && gemm)
            throw new UsageException("--plot applies to --op train only");
        if (parsed.GetValue(Profile) && gemm)
            throw new UsageException("--profile applies to --op train only");
        if (parsed.GetValue(Unfused) && gemm)
            throw new UsageException("--unfused applies to --op train only");
        if (parsed.GetValue(Models) is not null && gemm)
            throw new UsageException("--models applies to --op train only");
        if (parsed.GetValue(Models) is not null && plot is not null)
            throw new UsageException("--plot draws solo throughput; leave it out with --models");
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
            DeviceOption.ReadList(parsed.GetValue(Device) ?? []),
            model, hidden, activation,
            batchText is null ? (gemm ? [128] : [32, 128, 512, 2048]) : ParseSizes("--batch-sizes", batchText),
            sizesText is null ? (gemm ? [512, 1024, 2048] : []) : ParseSizes("--sizes", sizesText),
            parsed.GetValue(Data)!, parsed.GetValue(DataDir), parsed.GetValue(Samples), timing, parsed.GetValue(Seed),
            parsed.GetValue(Json), parsed.GetValue(Csv), plot, parsed.GetValue(Profile))
        {
            Distributed = DistributedOption.Read(parsed.GetValue(Distributed)!),
            Models = parsed.GetValue(Models),
            Unfused = parsed.GetValue(Unfused),
        };
    }

    /// <summary>"32,128" → [32, 128], each once; anything but positive integers is a usage error naming the option.</summary>
    private static int[] ParseSizes(string option, string text) => OptionRange.PositiveIntegers(option, text, "32,128,512").Distinct().ToArray();
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

    /// <summary>--models: the pack size to time against as many solo steps; null times solo steps alone.</summary>
    public int? Models { get; init; }

    /// <summary>--unfused: ILGPU devices run each GEMM epilogue as launches of its own (the step before fusion).</summary>
    public bool Unfused { get; init; }
}
