namespace GpuNet.Checkpoints;

/// <summary>Text from a file, made safe for a one-line error message.</summary>
internal static class Text
{
    /// <summary>The text cut to <paramref name="max"/> characters, control characters (newlines included) shown as '?'.</summary>
    public static string Echo(string text, int max)
    {
        string shown = text.Length <= max ? text : text[..max] + "...";
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    /// <summary>A name from a file, echoed and single-quoted.</summary>
    public static string Quote(string name) => $"'{Echo(name, 64)}'";
}
