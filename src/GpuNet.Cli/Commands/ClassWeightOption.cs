namespace GpuNet.Cli.Commands;

/// <summary><c>--class-weight none|balanced|w0,w1,…</c>: parsed and checked when the command line is read, so a bad value names the option.</summary>
internal static class ClassWeightOption
{
    public const string Name = "--class-weight";

    public static Option<string> Create()
    {
        var option = new Option<string>(Name)
        {
            Description = "Weight the training loss by class (scikit-learn's class_weight): none, balanced (n / (classes · count) over the training split), " +
                "or one positive weight per class, e.g. 1,5; validation and test losses stay unweighted",
            DefaultValueFactory = _ => "none",
        };
        option.Validators.Add(result =>
        {
            if (!TryParse(result.GetValueOrDefault<string>() ?? "", out _, out var problem))
                result.AddError($"{Name}: {problem}");
        });
        return option;
    }

    /// <summary>The weighting a valid value means (the option's validator has rejected the rest).</summary>
    public static ClassWeighting Read(string value) =>
        TryParse(value, out var weighting, out var problem) ? weighting : throw new UsageException($"{Name}: {problem}");

    /// <summary>The weighting as the option writes it: none, balanced or the weights (resume compares these).</summary>
    public static string Text(ClassWeighting weighting) =>
        weighting.Balanced ? "balanced"
        : weighting.Weights is { } weights ? string.Join(",", weights.Select(w => w.ToString("R", CultureInfo.InvariantCulture)))
        : "none";

    /// <summary>The header line naming the weights a run trains with, or null when unweighted.</summary>
    public static string? Describe(ClassWeighting weighting, Dataset train) => weighting.Resolve(train) is { } weights
        ? $"class weights: {(weighting.Balanced ? "balanced " : "")}{string.Join(", ", weights.Select(w => w.ToString("0.####", CultureInfo.InvariantCulture)))} (training loss only; validation and test unweighted)"
        : null;

    private const double MaxWeight = 1e30;
    private const float SmallestNormal = 1.17549435E-38f; // float32's smallest normal number, 2^-126

    private static bool TryParse(string value, out ClassWeighting weighting, out string problem)
    {
        weighting = ClassWeighting.None;
        problem = "";
        switch (value.Trim().ToLowerInvariant())
        {
            case "none": return true;
            case "balanced":
                weighting = ClassWeighting.BalancedWeights;
                return true;
        }
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var weights = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            // Zero is refused: a batch of only that class would divide by a zero weight sum.
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double weight) || !(weight > 0) || double.IsInfinity(weight))
            {
                problem = $"expected none, balanced or positive weights separated by commas, e.g. 1,5 (got '{value}')";
                return false;
            }
            // float32 holds the weights: one below its smallest normal number is 0 (or loses its digits) there, and one
            // over 1e30 overflows a batch's weighted sum; either would end the run as a divergence blamed on --lr.
            weights[i] = (float)weight;
            if (!float.IsNormal(weights[i]) || weight > MaxWeight)
            {
                problem = string.Create(CultureInfo.InvariantCulture,
                    $"weight {parts[i]} is outside float32's usable range for a weight ({SmallestNormal:G3} to {MaxWeight:G0}): {(weight > MaxWeight ? "a batch's weighted sum would overflow" : "it would count as 0")}; scale the weights together");
                return false;
            }
        }
        weighting = new ClassWeighting(false, weights);
        return true;
    }
}
