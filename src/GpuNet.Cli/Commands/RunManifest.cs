using System.Text.Json;
using System.Text.Json.Serialization;
using GpuNet.IO;

namespace GpuNet.Cli.Commands;

/// <summary>
/// run.json in a --out directory: the training command line that produced the run, so that
/// <c>gpunet train --resume DIR</c> continues it with the same data, model and optimiser settings.
/// </summary>
public static class RunManifest
{
    public const string FileName = "run.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static void Save(string outDir, TrainRequest request) =>
        AtomicFile.WriteAllText(Path.Combine(outDir, FileName), JsonSerializer.Serialize(request, Json) + "\n");

    public static TrainRequest Load(string outDir)
    {
        var path = Path.Combine(outDir, FileName);
        if (!File.Exists(path))
            throw new DataException($"--resume {outDir}: no {FileName} there (is it the --out directory of a gpunet train run?)");
        try
        {
            return JsonSerializer.Deserialize<TrainRequest>(File.ReadAllText(path), Json)
                ?? throw new DataException($"{path}: empty run description");
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: not a valid run description: {e.Message}");
        }
    }
}
