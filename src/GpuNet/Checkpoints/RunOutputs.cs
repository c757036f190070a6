using System.Text.Json;
using GpuNet.IO;

namespace GpuNet.Checkpoints;

/// <summary>
/// The files a run wrote beside its generations (its description, its summary, its plots), each with the size and SHA-256
/// it had when written, in <see cref="ManifestFile"/>. With the generation manifest this is the run's account of its own
/// outputs: replacing the run removes exactly those files, as they were written, and nothing a user put or changed there.
/// </summary>
public static class RunOutputs
{
    public const string ManifestFile = "outputs.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly Lock Gate = new();

    /// <summary>Writes <paramref name="name"/> into <paramref name="dir"/> (atomically) and records it as the run's own.</summary>
    public static void Write(string dir, string name, Action<Stream> write)
    {
        var path = Path.Combine(dir, name);
        AtomicFile.Write(path, write);
        Record(dir, name);
    }

    /// <summary>Records <paramref name="name"/> (a plain name, or names joined by / for a file in a folder below), just written into <paramref name="dir"/>, as the run's own with its digest now.</summary>
    public static void Record(string dir, string name)
    {
        lock (Gate) // the plots and the saver may record from different threads
        {
            var files = Read(dir);
            files[name] = FileDigest.Of(Path.Combine(dir, name));
            AtomicFile.WriteAllText(Path.Combine(dir, ManifestFile), JsonSerializer.Serialize(new Manifest(files), Json) + "\n");
        }
    }

    /// <summary>
    /// Every file the run in <paramref name="dir"/> recorded as its own, by name, with its digest: this manifest's and the
    /// generation's (<see cref="RunGeneration.ManifestFile"/>). Empty when neither exists; a manifest that cannot be read is a
    /// <see cref="DataException"/>, since then nothing in the folder can be accounted for.
    /// </summary>
    public static IReadOnlyDictionary<string, FileDigest> Recorded(string dir)
    {
        var files = new Dictionary<string, FileDigest>(Read(dir), StringComparer.Ordinal);
        if (RunGeneration.Read(dir) is { } generation)
            foreach (var (name, digest) in generation.Files) files[name] = digest;
        return files;
    }

    /// <summary>
    /// Whether <paramref name="name"/> under <paramref name="dir"/> is a plain file (not a link, a FIFO or a folder) whose
    /// bytes are as <paramref name="recorded"/> (from <see cref="Recorded"/>) has them: a file the run wrote and nobody changed.
    /// </summary>
    public static bool IsAsRecorded(string dir, string name, IReadOnlyDictionary<string, FileDigest> recorded)
    {
        var path = Path.Combine(dir, name);
        return FileStatus.Of(path, followLinks: false).Kind == FileKind.Regular && recorded.TryGetValue(name, out var digest) && FileDigest.Of(path) == digest;
    }

    private static SortedDictionary<string, FileDigest> Read(string dir)
    {
        var path = Path.Combine(dir, ManifestFile);
        if (!File.Exists(path)) return new SortedDictionary<string, FileDigest>(StringComparer.Ordinal);
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: not a valid outputs manifest: {e.Message}", e);
        }
        if (manifest?.Files is not { } files || files.Any(f => f.Value is null || !IsRelativeName(f.Key)))
            throw new DataException($"{path}: not a valid outputs manifest: it needs \"files\" by name under the folder (plain names joined by /), each with \"bytes\" and \"sha256\"");
        return files;
    }

    /// <summary>"summary.json" or "best/model.safetensors" (a sweep records its best/ copy): never rooted, never "..", so never outside the folder.</summary>
    private static bool IsRelativeName(string name) => name.Split('/').All(part => part.Length > 0 && part is not "." and not ".." && Path.GetFileName(part) == part);

    private sealed record Manifest(SortedDictionary<string, FileDigest> Files);
}
