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
        TrainRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<TrainRequest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: not a valid run description: {e.Message}");
        }
        // A hand-edited or truncated file can parse and still lack what every run has.
        var missing = request is null ? "everything"
            : request.Data?.Source is null ? "Data.Source"
            : request.Train is null ? "Train"
            : request.Hidden is null ? "Hidden"
            : request.Device is null ? "Device"
            : null;
        if (missing is not null)
            throw new DataException($"{path}: not a valid run description: it lacks {missing}");
        return request!;
    }
}
