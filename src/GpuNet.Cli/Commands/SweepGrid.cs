using System.Text.Json.Serialization;

namespace GpuNet.Cli.Commands;

/// <summary>One per-model train option and its value, as train reads it (<c>--lr</c>, <c>0.1</c>).</summary>
public sealed record SweepSetting([property: JsonPropertyName("flag")] string Flag, [property: JsonPropertyName("value")] string Value);

/// <summary>
/// The models of a sweep: the product of the per-model lists (the first list varies slowest), crossed with the rows
/// of a grid file. Options that do not apply to a model (momentum under Adam, betas under SGD, Nesterov without
/// momentum, hidden layers and dropout of a linear model) are left out of it, and models that thereby become the same
/// are trained once.
/// </summary>
public static class SweepGrid
{
    /// <summary>More models than this are almost surely a typo in a range.</summary>
    public const int MaxModels = 4096;

    /// <summary>
    /// The values of one option: each occurrence's comma list for a scalar option, each occurrence whole for one whose
    /// value is a list (<c>--hidden 256,128</c>); a flag given bare (<c>--nesterov</c>) means true.
    /// </summary>
    public static IReadOnlyList<string> Values(string flag, IReadOnlyList<string> tokens, bool wholeValues)
    {
        if (tokens.Count == 0) return flag == "--nesterov" ? ["true"] : throw new UsageException($"{flag} needs a value (a comma list gives one model per value)");
        var values = wholeValues ? tokens.Select(t => t.Trim()).ToList() : tokens.SelectMany(t => t.Split(',').Select(v => v.Trim())).ToList();
        if (values.Any(v => v.Length == 0)) throw new UsageException($"{flag}: an empty value in '{string.Join(" ", tokens)}'");
        return Distinct(flag, values);
    }

    /// <summary>Seeds as comma lists of integers and inclusive ranges (<c>0-3</c>, <c>0,5,7-9</c>).</summary>
    public static IReadOnlyList<string> Seeds(IReadOnlyList<string> tokens)
    {
        var seeds = new List<string>();
        foreach (var piece in tokens.SelectMany(t => t.Split(',')).Select(p => p.Trim()))
        {
            int dash = piece.IndexOf('-', 1); // not the sign of a negative first bound
            if (dash < 0)
            {
                seeds.Add(Integer(piece, piece).ToString(CultureInfo.InvariantCulture));
                continue;
            }
            int from = Integer(piece[..dash], piece), to = Integer(piece[(dash + 1)..], piece);
            if (to < from) throw new UsageException($"--seeds {piece}: the range runs backwards (write {to}-{from})");
            if ((long)to - from >= MaxModels) throw new UsageException($"--seeds {piece}: more than {MaxModels} seeds");
            for (long s = from; s <= to; s++) seeds.Add(s.ToString(CultureInfo.InvariantCulture));
        }
        return Distinct("--seeds", seeds);
    }

    /// <summary>Every model's settings: the product of <paramref name="lists"/>, crossed with <paramref name="rows"/> when a grid file gave them.</summary>
    public static IReadOnlyList<IReadOnlyList<SweepSetting>> Expand(IReadOnlyList<(string Flag, IReadOnlyList<string> Values)> lists, IReadOnlyList<IReadOnlyList<SweepSetting>>? rows)
    {
        if (rows is not null)
            foreach (var (flag, _) in lists)
                if (rows.Any(r => r.Any(s => s.Flag == flag)))
                    throw new UsageException($"{flag} is both a column of --grid and a list on the command line; give it in one place");
        double count = lists.Aggregate((double)(rows?.Count ?? 1), (n, l) => n * l.Values.Count);
        if (count > MaxModels) throw new UsageException($"the grid has {count:G} models; a sweep takes at most {MaxModels}");
        IEnumerable<IReadOnlyList<SweepSetting>> models = rows ?? [[]];
        foreach (var (flag, values) in lists)
            models = models.SelectMany(m => values.Select(v => (IReadOnlyList<SweepSetting>)[.. m, new SweepSetting(flag, v)]));
        var distinct = new List<IReadOnlyList<SweepSetting>>();
        foreach (var model in models.Select(Applicable))
            if (!distinct.Any(d => d.SequenceEqual(model))) distinct.Add(model);
        return distinct;
    }

    /// <summary>The options that differ between models (given to some and not others, or with different values), in the order they first appear.</summary>
    public static IReadOnlyList<string> Differing(IReadOnlyList<IReadOnlyList<SweepSetting>> models) =>
        models.SelectMany(m => m.Select(s => s.Flag)).Distinct()
            .Where(flag => models.Select(m => Value(m, flag)).Distinct().Count() > 1).ToList();

    /// <summary>The model's value of <paramref name="flag"/>, or null when it leaves the option at train's default.</summary>
    public static string? Value(IReadOnlyList<SweepSetting> model, string flag) => model.FirstOrDefault(s => s.Flag == flag)?.Value;

    /// <summary>The settings that apply to the model they describe (train refuses the others: its options would silently do nothing).</summary>
    private static IReadOnlyList<SweepSetting> Applicable(IReadOnlyList<SweepSetting> model)
    {
        string optimizer = Value(model, "--optimizer") ?? "sgd", kind = Value(model, "--model") ?? "mlp";
        string[] unused =
        [
            .. optimizer == "sgd" ? new[] { "--beta1", "--beta2", "--eps" } : ["--momentum", "--nesterov"],
            .. kind == "mlp" ? Array.Empty<string>() : ["--hidden", "--activation", "--dropout"],
            .. double.TryParse(Value(model, "--momentum"), NumberStyles.Float, CultureInfo.InvariantCulture, out double momentum) && momentum == 0 ? ["--nesterov"] : Array.Empty<string>(),
        ];
        return model.Where(s => !unused.Contains(s.Flag)).ToList();
    }

    private static int Integer(string text, string piece) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value : throw new UsageException($"--seeds {piece}: '{text}' is not an integer (give seeds as 0,1,2 or ranges as 0-3)");

    private static List<string> Distinct(string flag, List<string> values) =>
        values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? throw new UsageException($"{flag} lists {twice.Key} twice")
            : values;
}
