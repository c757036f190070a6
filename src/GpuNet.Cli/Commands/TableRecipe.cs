namespace GpuNet.Cli.Commands;

/// <summary>
/// A train command line for an MLP on a table (a CSV or .npy file) takes <see cref="TableDefaults"/> for the options it leaves out;
/// an option it names always keeps its value. The optimiser's options come as one: naming any of them (--optimizer,
/// --lr, --momentum, ...) keeps the general defaults for the rest (SGD, lr 0.01, momentum 0.9, no weight decay), so a
/// command line that sets up its optimiser means what it meant before tables had a recipe of their own. Images, the
/// synthetic sets and the linear models keep the general defaults (Adam at 1e-3 for 200 epochs leaves logistic and
/// softmax regression unconverged on small tables). Applied when the command line is read, so run.json records the values chosen.
/// </summary>
public static class TableRecipe
{
    /// <summary>The options that set up the optimiser: naming any of them leaves the table's optimiser out.</summary>
    public static IReadOnlyList<string> OptimizerOptions { get; } = ["--optimizer", "--lr", "--momentum", "--nesterov", "--weight-decay", "--beta1", "--beta2", "--eps"];

    /// <summary>The request with the table's value of every option it leaves out (unchanged for linear models, images and synthetic sets).</summary>
    public static TrainRequest Apply(TrainRequest request) => Taken(request).Aggregate(request, (r, part) => part.Set(r));

    /// <summary>The header line that names the table defaults a fresh run took, or null when it took none.</summary>
    public static string? Describe(TrainRequest request) =>
        request.Resume is null && Taken(request).Select(part => part.Text).ToList() is { Count: > 0 } taken
            ? $"defaults for a table (scikit-learn's MLPClassifier recipe; options you name win): {string.Join(", ", taken)}"
            : null;

    /// <summary>One piece of the recipe: whether a command line leaves it to the table, how the header names it, what it sets.</summary>
    private sealed record Part(Func<TrainRequest, IReadOnlySet<string>, bool> Applies, string Text, Func<TrainRequest, TrainRequest> Set);

    private static readonly Part[] Parts =
    [
        new((r, given) => !OptimizerOptions.Any(given.Contains),
            Invariant($"--optimizer {Name(TableDefaults.Optimizer)} --lr {TableDefaults.LearningRate} --weight-decay {TableDefaults.WeightDecay}"),
            r => r with { Train = r.Train with { Optimizer = TableDefaults.Optimizer, LearningRate = TableDefaults.LearningRate, WeightDecay = TableDefaults.WeightDecay } }),
        new((r, given) => !given.Contains("--batch-size"),
            Invariant($"--batch-size {TableDefaults.BatchSize}"),
            r => r with { Train = r.Train with { BatchSize = TableDefaults.BatchSize, EvalBatchSize = Math.Max(TableDefaults.BatchSize, r.Train.EvalBatchSize) } }),
        new((r, given) => !given.Contains("--init"),
            $"--init {Name(TableDefaults.Init)}",
            r => r with { Init = TableDefaults.Init }),
        // Early stopping watches the validation loss: asking for it keeps the general validation split.
        new((r, given) => !given.Contains("--val-fraction") && r.Train.EarlyStoppingPatience == 0,
            Invariant($"--val-fraction {TableDefaults.ValidationFraction}"),
            r => r with { ValFraction = TableDefaults.ValidationFraction }),
        new((r, given) => !r.EpochsGiven,
            Invariant($"at most {TableDefaults.MaxAutoEpochs} epochs"),
            r => r with { MaxAutoEpochs = TableDefaults.MaxAutoEpochs }),
    ];

    private static IEnumerable<Part> Taken(TrainRequest request)
    {
        if (request.Model != ModelKind.Mlp || !DataSources.IsTable(request.Data.Source)) return [];
        var given = request.Given ?? new HashSet<string>();
        return Parts.Where(part => part.Applies(request, given));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
