using System.Text;

namespace GpuNet.Cli;

/// <summary>
/// Text from a file (a class name), made safe to print: control characters, an escape sequence's ESC among them, are
/// written as C escapes (\n, \t, \x1b, \u0085), so a name cannot move the cursor, recolour or retitle the terminal, and
/// what it holds stays visible. A backslash is doubled, so the shown form reads back unambiguously.
/// </summary>
public static class TerminalText
{
    /// <summary>True when <paramref name="output"/> is the process's standard output and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public static string Escape(string text)
    {
        if (!text.AsSpan().ContainsAny(Special)) return text;
        var shown = new StringBuilder(text.Length + 8);
        foreach (char c in text)
            shown.Append(c switch
            {
                '\\' => @"\\",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when char.IsControl(c) && c <= '\xff' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        return shown.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), '\\', '\x7f', .. Enumerable.Range(0x80, 0x20).Select(i => (char)i), '\u2028', '\u2029']);
}
