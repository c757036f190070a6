using System.Text.Json;

namespace GpuNet.Data;

/// <summary>
/// The class names stored beside a labels file: <c>labels.classes.json</c>, a JSON array of strings (any string, a line
/// break or a comma included), which <c>gpunet convert</c> writes; or, when there is none, the older
/// <c>labels.classes.txt</c>, one name a line. Either way name i is label i, and a name may appear only once.
/// </summary>
public static class ClassNameFiles
{
    /// <summary>labels.npy → labels.classes.json.</summary>
    public static string JsonFile(string labelsPath) => Path.ChangeExtension(labelsPath, ".classes.json");

    /// <summary>labels.npy → labels.classes.txt, read when no <see cref="JsonFile"/> is there.</summary>
    public static string TextFile(string labelsPath) => Path.ChangeExtension(labelsPath, ".classes.txt");

    /// <summary>The file the class names of <paramref name="labelsPath"/> are read from, or null when it has none.</summary>
    public static string? Find(string labelsPath) =>
        File.Exists(JsonFile(labelsPath)) ? JsonFile(labelsPath) : File.Exists(TextFile(labelsPath)) ? TextFile(labelsPath) : null;

    /// <summary>The class names beside <paramref name="labelsPath"/>, or null when there are none.</summary>
    public static string[]? Read(string labelsPath)
    {
        if (Find(labelsPath) is not { } file) return null;
        string[] names;
        try
        {
            names = file.EndsWith(".json", StringComparison.Ordinal) ? ParseJson(File.ReadAllText(file), file) : ReadLines(file);
        }
        catch (IOException e)
        {
            throw new DataException($"{file}: cannot read: {e.Message}", e);
        }
        RequireDistinct(names, file);
        return names;
    }

    /// <summary>Writes <paramref name="names"/> as <see cref="JsonFile"/>, atomically.</summary>
    public static string Write(string labelsPath, IReadOnlyList<string> names)
    {
        string file = JsonFile(labelsPath);
        IO.AtomicFile.WriteAllText(file, JsonSerializer.Serialize(names) + "\n");
        return file;
    }

    /// <summary>A <see cref="DataException"/> naming <paramref name="file"/> and the first name that appears twice.</summary>
    public static void RequireDistinct(IReadOnlyList<string> names, string file)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
            if (!seen.TryAdd(names[i], i))
                throw new DataException($"{file}: class name {ClassEncoding.Echo(names[i])} appears twice (classes {seen[names[i]]} and {i}); each class needs its own name");
    }

    private static string[] ParseJson(string json, string file)
    {
        string[]? names;
        try
        {
            names = JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException)
        {
            names = null;
        }
        if (names is null || Array.Exists(names, n => n is null))
            throw new DataException($"{file}: expected a JSON array of strings (the class names)");
        return names;
    }

    private static string[] ReadLines(string file)
    {
        var names = File.ReadAllLines(file);
        return names.Length > 0 && names[^1].Length == 0 ? names[..^1] : names;
    }
}
