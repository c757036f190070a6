using System.CommandLine.Parsing;

namespace GpuNet.Cli.Commands;

/// <summary>
/// The options of <c>gpunet sweep</c>: train's options that every model shares (the data, its preprocessing and
/// order, batch size, epochs, device), each once; and those that may differ per model, each a list of values.
/// </summary>
public sealed class SweepCommandOptions
{
    /// <summary>Train options a model may vary, as a comma list of values (or by repeating the option).</summary>
    public static readonly string[] ScalarFlags =
    [
        "--model", "--activation", "--init", "--optimizer", "--lr", "--lr-schedule", "--lr-step", "--lr-gamma", "--warmup",
        "--momentum", "--nesterov", "--beta1", "--beta2", "--eps", "--weight-decay", "--dropout", "--clip-norm", "--early-stopping",
    ];

    /// <summary>Train options whose value is already a comma list: each occurrence is one value.</summary>
    public static readonly string[] ListFlags = ["--hidden", ClassWeightOption.Name];

    public const string SeedFlag = "--seed";

    private readonly TrainCommandOptions _train = new();

    public SweepCommandOptions()
    {
        foreach (var flag in ScalarFlags.Concat(ListFlags))
        {
            string description = _train.All.First(o => o.Name == flag).Description!;
            string how = ListFlags.Contains(flag) ? "repeat the option for one model per value" : "a comma list gives one model per value";
            var option = new Option<string[]>(flag) { Description = $"{description} [per model: {how}]", Arity = ArgumentArity.ZeroOrMore };
            PerModel.Add(option);
        }
    }

    /// <summary>The per-model options, in the order the grid nests them (the first varies slowest).</summary>
    public List<Option<string[]>> PerModel { get; } = [];

    public Option<string[]> Seeds { get; } = new("--seeds", SeedFlag) { Description = "Model seeds (initialisation and dropout): a comma list and ranges, e.g. 0-3 or 0,5,7-9 [default: 0]" };
    public Option<int?> DataSeed { get; } = new("--data-seed") { Description = "Seed of the data every model shares: synthetic sets, the held-out test and validation splits, and the shuffle order (each model's --seed seeds only its initialisation and dropout) [default: 0]" };
    public Option<string?> Grid { get; } = new("--grid") { Description = "A CSV (header of option names) or JSON file (an array of objects) with one row per model, for a grid that is not a product; it is crossed with the lists given on the command line" };
    public Option<string?> Out { get; } = new("--out") { Description = "The sweep's directory: sweep.json, sweep.csv, validation.png, models/NNN (one run directory per model) and best/" };
    public Option<string?> Resume { get; } = new("--resume") { Description = "Continue the sweep in this directory: finished models are kept, the model in progress resumes from its checkpoint; only --device and --quiet may be given besides" };
    public Option<bool> Quiet { get; } = new("--quiet") { Description = "Plain lines, no live table" };

    /// <summary>Train's options that every model shares, taken from train itself so that they read and check alike.</summary>
    public IReadOnlyList<Option> Shared =>
    [
        .. _train.DataOptions.All.Where(o => o != _train.DataOptions.Seed), _train.Standardize, _train.Epochs, _train.BatchSize,
        _train.ValFraction, DataSeed, _train.NoShuffle, .. _train.Streaming.All, _train.Device,
    ];

    public Option<string> Device => _train.Device;

    public IEnumerable<Option> All => [.. Shared, .. PerModel, Seeds, Grid, Out, Resume, Quiet];

    /// <summary>The shared options given on the command line, as train arguments (data paths made absolute, so a model's train_args work from anywhere).</summary>
    public IReadOnlyList<string> SharedArgs(ParseResult parsed)
    {
        var args = new List<string>();
        var paths = new HashSet<Option>([_train.DataOptions.DataDir, _train.DataOptions.TestData, _train.DataOptions.Labels, _train.DataOptions.TestLabels]);
        foreach (var (option, result) in Given(parsed, Shared))
        {
            args.Add(option.Name);
            foreach (var token in result.Tokens)
                args.Add(paths.Contains(option) || (option == _train.DataOptions.Data && DataSources.IsFile(token.Value) && token.Value != InputFile.StandardInput)
                    ? Path.GetFullPath(token.Value) : token.Value);
        }
        return args;
    }

    /// <summary>The lists of values given per model, in command-line order (the first varies slowest); options not given are left out.</summary>
    public IReadOnlyList<(string Flag, IReadOnlyList<string> Values)> Lists(ParseResult parsed)
    {
        var lists = new List<(string, IReadOnlyList<string>)>();
        foreach (var (option, result) in Given(parsed, [.. PerModel, Seeds]))
        {
            var tokens = result.Tokens.Select(t => t.Value).ToList();
            lists.Add(option == Seeds ? (SeedFlag, SweepGrid.Seeds(tokens)) : (option.Name, SweepGrid.Values(option.Name, tokens, ListFlags.Contains(option.Name))));
        }
        return lists;
    }

    /// <summary>The options of <paramref name="options"/> given on the command line, in the order they were first given.</summary>
    private static IEnumerable<(Option Option, OptionResult Result)> Given(ParseResult parsed, IEnumerable<Option> options)
    {
        var tokens = parsed.Tokens.ToList();
        return options.Select(o => (Option: o, Result: parsed.GetResult(o)))
            .Where(g => g.Result is { Implicit: false })
            .Select(g => (g.Option, g.Result!))
            .OrderBy(g => g.Item2.IdentifierToken is { } id ? tokens.IndexOf(id) : int.MaxValue);
    }

    /// <summary>Whether any option that shapes the sweep was given (a resumed sweep takes them from its sweep.json).</summary>
    public bool ShapesGiven(ParseResult parsed) =>
        Shared.Where(o => o != Device).Concat(PerModel).Append(Seeds).Append(Grid).Append(Out).Any(o => parsed.GetResult(o) is { Implicit: false });
}
