namespace GpuNet.Cli;

/// <summary>A plain left-aligned text table, for output that may go to a file or a pipe.</summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        void Line(IReadOnlyList<string> cells) =>
            output.WriteLine(string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        Line(header);
        foreach (var row in rows) Line(row);
    }
}
