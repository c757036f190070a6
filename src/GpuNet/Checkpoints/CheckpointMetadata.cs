using System.Globalization;

namespace GpuNet.Checkpoints;

/// <summary>Reads typed values out of a safetensors file's metadata, each failure a one-line <see cref="DataException"/> naming the key.</summary>
internal sealed class CheckpointMetadata(IReadOnlyDictionary<string, string> pairs, string file)
{
    public string String(string key) => pairs.TryGetValue(key, out var value) ? value
        : throw new DataException($"{file}: the metadata has no '{key}' entry: not a gpunet checkpoint, or a damaged one");

    public long Integer(string key, long min, long max)
    {
        string text = String(key);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
            throw new DataException($"{file}: metadata '{key}' is {Text.Quote(text)}, expected an integer in {min}..{max}");
        return value;
    }

    public double Double(string key)
    {
        string text = String(key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
            throw new DataException($"{file}: metadata '{key}' is {Text.Quote(text)}, expected a number");
        return value;
    }

    public bool Boolean(string key) => String(key) switch
    {
        "true" => true,
        "false" => false,
        var text => throw new DataException($"{file}: metadata '{key}' is {Text.Quote(text)}, expected true or false"),
    };

    /// <summary>One of <paramref name="names"/> (exactly as written there).</summary>
    public string OneOf(string key, IReadOnlyCollection<string> names)
    {
        string text = String(key);
        return names.Contains(text) ? text
            : throw new DataException($"{file}: metadata '{key}' is {Text.Quote(text)}, expected one of {string.Join(", ", names)}");
    }

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The shortest text that parses back to the same double (∞ as "Infinity").</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(bool value) => value ? "true" : "false";
}
