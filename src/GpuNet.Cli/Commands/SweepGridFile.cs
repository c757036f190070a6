using System.Text.Json;
using nietras.SeparatedValues;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>--grid FILE</c>: one row per model, for a grid that is not a product. A CSV file has a header of option names
/// (with or without the dashes: <c>lr,hidden,seed</c>); a JSON file is an array of objects with those names as keys.
/// An empty cell, or a key left out, leaves that option at train's default for the model.
/// </summary>
public static class SweepGridFile
{
    public static IReadOnlyList<IReadOnlyList<SweepSetting>> Read(string path)
    {
        if (Directory.Exists(path) || !File.Exists(path)) throw new DataException($"--grid {path}: no such file");
        string text = File.ReadAllText(path);
        var rows = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? ReadJson(text, path) : ReadCsv(text, path);
        if (rows.Count == 0) throw new UsageException($"--grid {path}: no models (the file has no rows)");
        if (rows.SelectMany(r => r.GroupBy(s => s.Flag).Where(g => g.Count() > 1)).FirstOrDefault() is { } twice)
            throw new UsageException($"--grid {path}: {twice.Key} is given twice for one model");
        return rows;
    }

    private static List<IReadOnlyList<SweepSetting>> ReadCsv(string text, string path)
    {
        var rows = new List<IReadOnlyList<SweepSetting>>();
        try
        {
            using var csv = Sep.Reader(o => o with { HasHeader = true, Unescape = true, Trim = SepTrim.All, CultureInfo = CultureInfo.InvariantCulture }).FromText(text);
            var flags = csv.Header.ColNames.Select(name => Flag(name, path)).ToList();
            foreach (var row in csv)
            {
                if (row.ColCount == 1 && row[0].Span.IsWhiteSpace()) continue;
                var settings = new List<SweepSetting>();
                for (int c = 0; c < flags.Count; c++)
                    if (row[c].ToString() is { Length: > 0 } value) settings.Add(new SweepSetting(flags[c], value));
                rows.Add(settings);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"--grid {path}: not a valid CSV file: {e.Message}");
        }
        return rows;
    }

    private static List<IReadOnlyList<SweepSetting>> ReadJson(string text, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new DataException($"--grid {path}: not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new UsageException($"--grid {path}: expected an array of objects, one per model");
            var rows = new List<IReadOnlyList<SweepSetting>>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) throw new UsageException($"--grid {path}: model {rows.Count + 1} is not an object of options");
                rows.Add(item.EnumerateObject().Select(p => new SweepSetting(Flag(p.Name, path), JsonValue(p.Value, p.Name, path))).Where(s => s.Value.Length > 0).ToList());
            }
            return rows;
        }
    }

    /// <summary>A JSON value as train would read it: numbers as written, booleans as true/false, an array as a comma list (<c>[256, 128]</c>).</summary>
    private static string JsonValue(JsonElement value, string name, string path) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number) => string.Join(",", value.EnumerateArray().Select(v => v.GetRawText())),
        _ => throw new UsageException($"--grid {path}: '{name}' must be a number, a string, true/false or an array of numbers"),
    };

    /// <summary>A column name as the option it names; only the options a model may vary are accepted.</summary>
    private static string Flag(string name, string path)
    {
        string trimmed = name.Trim().TrimStart('-');
        string flag = "--" + (trimmed == "seeds" ? "seed" : trimmed);
        if (SweepCommandOptions.ScalarFlags.Contains(flag) || SweepCommandOptions.ListFlags.Contains(flag) || flag == SweepCommandOptions.SeedFlag) return flag;
        throw new UsageException($"--grid {path}: '{name}' is not an option a model may vary (the per-model options are {string.Join(", ", SweepCommandOptions.ScalarFlags.Concat(SweepCommandOptions.ListFlags).Append(SweepCommandOptions.SeedFlag))}; the data, batch size and epochs are shared)");
    }
}
