namespace GpuNet.Cli.Commands;

/// <summary>
/// A train command line for an MLP takes <see cref="MlpDefaults"/> for the options it leaves out: on a table (a CSV or
/// .npy file) all of them, on an image set the optimiser and the batch size. An option it names always keeps its value.
/// The optimiser's options come as one: naming any of them (--optimizer, --lr, --momentum, ...) keeps the general
/// defaults for the rest (SGD, lr 0.01, momentum 0.9, no weight decay), so a command line that sets up its optimiser
/// means what it meant before. The synthetic sets and the linear models keep the general defaults (Adam at 1e-3 for 200
/// epochs leaves logistic and softmax regression unconverged on small tables). Applied when the command line is read,
/// so run.json records the values chosen.
/// </summary>
public static class MlpRecipe
{
    /// <summary>The options that set up the optimiser: naming any of them leaves the recipe's optimiser out.</summary>
    public static IReadOnlyList<string> OptimizerOptions { get; } = ["--optimizer", "--lr", "--momentum", "--nesterov", "--weight-decay", "--beta1", "--beta2", "--eps"];

    /// <summary>The request with the recipe's value of every option it leaves out (unchanged for linear models and synthetic sets).</summary>
    public static TrainRequest Apply(TrainRequest request) => Taken(request).Aggregate(request, (r, part) => part.Set(r));

    /// <summary>The header line that names the defaults a fresh run took from the recipe, or null when it took none.</summary>
    public static string? Describe(TrainRequest request) =>
        request.Resume is null && Taken(request).Select(part => part.Text).ToList() is { Count: > 0 } taken
            ? $"defaults of an MLP on {(DataSources.IsTable(request.Data.Source) ? "a table" : "images")} (scikit-learn's MLPClassifier recipe; options you name win): {string.Join(", ", taken)}"
            : null;

    /// <summary>One piece of the recipe: whether it is for tables only, whether a command line leaves it to the recipe, how the header names it, what it sets.</summary>
    private sealed record Part(bool TablesOnly, Func<TrainRequest, IReadOnlySet<string>, bool> Applies, string Text, Func<TrainRequest, TrainRequest> Set);

    private static readonly Part[] Parts =
    [
        new(false, (r, given) => !OptimizerOptions.Any(given.Contains),
            Invariant($"--optimizer {Name(MlpDefaults.Optimizer)} --lr {MlpDefaults.LearningRate} --weight-decay {MlpDefaults.WeightDecay}"),
            r => r with { Train = r.Train with { Optimizer = MlpDefaults.Optimizer, LearningRate = MlpDefaults.LearningRate, WeightDecay = MlpDefaults.WeightDecay } }),
        new(false, (r, given) => !given.Contains("--batch-size"),
            Invariant($"--batch-size {MlpDefaults.BatchSize}"),
            r => r with { Train = r.Train with { BatchSize = MlpDefaults.BatchSize, EvalBatchSize = Math.Max(MlpDefaults.BatchSize, r.Train.EvalBatchSize) } }),
        new(true, (r, given) => !given.Contains("--init"),
            $"--init {Name(MlpDefaults.TableInit)}",
            r => r with { Init = MlpDefaults.TableInit }),
        // Early stopping watches the validation loss: asking for it keeps the general validation split.
        new(true, (r, given) => !given.Contains("--val-fraction") && r.Train.EarlyStoppingPatience == 0,
            Invariant($"--val-fraction {MlpDefaults.TableValidationFraction}"),
            r => r with { ValFraction = MlpDefaults.TableValidationFraction }),
        new(true, (r, given) => !r.EpochsGiven,
            Invariant($"at most {MlpDefaults.TableMaxAutoEpochs} epochs"),
            r => r with { MaxAutoEpochs = MlpDefaults.TableMaxAutoEpochs }),
    ];

    private static IEnumerable<Part> Taken(TrainRequest request)
    {
        string source = request.Data.Source.Trim();
        if (request.Model != ModelKind.Mlp || SyntheticData.Contains(source)) return [];
        bool table = DataSources.IsTable(source);
        var given = request.Given ?? new HashSet<string>();
        return Parts.Where(part => (table || !part.TablesOnly) && part.Applies(request, given));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
