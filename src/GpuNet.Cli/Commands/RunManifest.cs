using System.Text.Json;
using System.Text.Json.Serialization;
using GpuNet.IO;

namespace GpuNet.Cli.Commands;

/// <summary>
/// run.json in a --out directory: the training command line that produced the run, so that
/// <c>gpunet train --resume DIR</c> continues it with the same data, model and optimiser settings.
/// Written as <see cref="RunJson"/> (flat snake_case); the nested PascalCase of earlier versions is still read,
/// so their run directories resume.
/// </summary>
public static class RunManifest
{
    public const string FileName = "run.json";

    /// <summary>The first layout: the request serialised as it is, enums in kebab case.</summary>
    private static readonly JsonSerializerOptions Legacy = new()
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static void Save(string outDir, TrainRequest request) =>
        AtomicFile.WriteAllText(Path.Combine(outDir, FileName), RunJson.Write(request));

    public static TrainRequest Load(string outDir)
    {
        var path = Path.Combine(outDir, FileName);
        if (!File.Exists(path))
            throw new DataException($"--resume {outDir}: no {FileName} there (is it the --out directory of a gpunet train run?)");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The request in run.json's <paramref name="text"/> (either layout); <paramref name="path"/> names it in errors.</summary>
    public static TrainRequest Parse(string text, string path)
    {
        TrainRequest? request;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("the file holds no JSON object");
            request = root.TryGetProperty("Data", out _) ? LoadLegacy(text, path) : RequireFields(root, path) ? RunJson.Read(root) : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new DataException($"{path}: not a valid run description: {e.Message}");
        }
        return request!;
    }

    private static bool RequireFields(JsonElement root, string path)
    {
        foreach (var name in new[] { "data", "model", "device" })
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                throw new DataException($"{path}: not a valid run description: it lacks {name}");
        return true;
    }

    private static TrainRequest LoadLegacy(string text, string path)
    {
        var request = JsonSerializer.Deserialize<TrainRequest>(text, Legacy);
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
