using System.Text.Json;
using System.Text.Json.Serialization;
using GpuNet.IO;

namespace GpuNet.Cli.Commands;

/// <summary>
/// sweep.json: the sweep's models (their settings, train_args and run directories), where each stands and its
/// figures. Written when the sweep starts and after every epoch, so a resumed sweep knows which models are
/// finished; <see cref="SweepCsv"/> writes the same rows as sweep.csv.
/// </summary>
public sealed class SweepResults
{
    public const string FileName = "sweep.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    [JsonPropertyName("options_that_differ")] public required IReadOnlyList<string> Differing { get; init; }
    /// <summary>The model with the lowest validation loss among those done or early-stopped (null until one is).</summary>
    [JsonPropertyName("best")] public string? BestName => Models.Where(m => m.RankingLoss is not null).MinBy(m => m.RankingLoss)?.Name;
    [JsonPropertyName("models")] public required IReadOnlyList<SweepRow> Models { get; init; }

    public static SweepResults New(IReadOnlyList<SweepModel> models)
    {
        var differing = SweepGrid.Differing(models.Select(m => m.Settings).ToList());
        return new SweepResults { Differing = differing, Models = models.Select(m => SweepRow.For(m, differing)).ToList() };
    }

    [JsonIgnore] public SweepRow? Best => Models.FirstOrDefault(m => m.Name == BestName);

    public void Save(string dir)
    {
        AtomicFile.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json) + "\n");
        AtomicFile.WriteAllText(Path.Combine(dir, SweepCsv.FileName), SweepCsv.Format(this));
        RunOutputs.Record(dir, SweepCsv.FileName); // the sweep's own: a resumed sweep replaces it only while it is unchanged
    }

    public static SweepResults Load(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw new DataException($"--resume {dir}: no {FileName} there (is it the --out directory of a gpunet sweep?)");
        SweepResults? results;
        try
        {
            results = JsonSerializer.Deserialize<SweepResults>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: not a valid sweep: {e.Message}");
        }
        if (results is null || results.Models.Count == 0 || results.Models.Any(m => m.TrainArgs is null || m.RunDir is null || m.Settings is null))
            throw new DataException($"{path}: not a valid sweep: it lacks its models' train_args, run_dir or settings");
        return results;
    }
}
