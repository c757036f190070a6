using System.Text.RegularExpressions;

namespace GpuNet.Tests.TestSupport;

/// <summary>A command of a README block and the lines the README shows for it (none: only its exit code is checked).</summary>
public sealed record ReadmeCommand(string Command, IReadOnlyList<string> Shown);

/// <summary>
/// A README block opted in to the README test by a marker, an HTML comment on the line before its fence (a block
/// without one is never run, so sections can be written first and marked once their commands are cheap to run):
/// <code>&lt;!-- readme-test: CLAUSE; CLAUSE; ... --&gt;</code>
/// Clauses: <c>run</c> (nothing more to say); <c>$ COMMAND</c> (run COMMAND before the block's own commands; for a
/// block of output only, the block shows the last such command's output); <c>OLD =&gt; NEW</c> (replace text in every
/// command, e.g. <c>--epochs 5 =&gt; --epochs 1</c>); <c>exit-only</c> (the shown lines are not checked, as when a
/// substitution changes the figures); <c>only PREFIX</c> (run only the block's commands that start with PREFIX, e.g. the
/// one line of a block that a single machine can run); <c>needs PATH</c> (skip the block when PATH does not exist).
/// A block whose lines start with <c>$ </c> holds commands, each followed by the lines it prints; any other marked
/// block is output (with a <c>$</c> clause) or one command per line (bash, sh).
/// </summary>
public sealed partial record ReadmeBlock(int Line, IReadOnlyList<ReadmeCommand> Commands, IReadOnlyList<(string Old, string New)> Substitutions, bool ExitOnly, string? Needs)
{
    public const string MarkerStart = "<!-- readme-test:";

    /// <summary>The marked blocks of <paramref name="readme"/> in order; a marker not followed by a fenced block, or a clause it does not know, throws.</summary>
    public static List<ReadmeBlock> Parse(string[] readme)
    {
        var blocks = new List<ReadmeBlock>();
        for (int i = 0; i < readme.Length; i++)
        {
            if (!readme[i].TrimStart().StartsWith(MarkerStart, StringComparison.Ordinal)) continue;
            var marker = Marker().Match(readme[i].Trim());
            if (!marker.Success) throw new FormatException($"README.md line {i + 1}: a marker is one line, '{MarkerStart} CLAUSES -->'");
            if (i + 1 >= readme.Length || !readme[i + 1].StartsWith("```", StringComparison.Ordinal))
                throw new FormatException($"README.md line {i + 1}: the marker must be on the line just before a fenced block");
            string fence = readme[i + 1][3..].Trim();
            int end = Array.FindIndex(readme, i + 2, l => l.StartsWith("```", StringComparison.Ordinal));
            if (end < 0) throw new FormatException($"README.md line {i + 2}: the block never closes");
            blocks.Add(Build(i + 1, marker.Groups[1].Value, fence, readme[(i + 2)..end]));
            i = end;
        }
        return blocks;
    }

    private static ReadmeBlock Build(int line, string clauses, string fence, string[] body)
    {
        var before = new List<string>();
        var substitutions = new List<(string, string)>();
        bool exitOnly = false;
        string? needs = null, only = null;
        foreach (var clause in clauses.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (clause == "run") continue;
            if (clause == "exit-only") exitOnly = true;
            else if (clause.StartsWith("$ ", StringComparison.Ordinal)) before.Add(clause[2..].Trim());
            else if (clause.StartsWith("needs ", StringComparison.Ordinal)) needs = clause[6..].Trim();
            else if (clause.StartsWith("only ", StringComparison.Ordinal)) only = clause[5..].Trim();
            else if (clause.Split("=>") is [var old, var replacement]) substitutions.Add((old.Trim(), replacement.Trim()));
            else throw new FormatException($"README.md line {line}: unknown readme-test clause '{clause}'");
        }
        var commands = before.Select(c => (Command: c, Shown: new List<string>())).ToList();
        if (body.Any(l => l.StartsWith("$ ", StringComparison.Ordinal)))
        {
            foreach (var l in body)
            {
                if (l.StartsWith("$ ", StringComparison.Ordinal)) commands.Add((l[2..].Trim(), []));
                else if (l.Trim().Length > 0 && commands.Count > 0) commands[^1].Shown.Add(l);
            }
        }
        else if (fence is "bash" or "sh")
            commands.AddRange(body.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).Select(l => (l.Trim(), new List<string>())));
        else if (commands.Count > 0)
            commands[^1].Shown.AddRange(body.Where(l => l.Trim().Length > 0));
        else throw new FormatException($"README.md line {line}: a block of output needs a '$ COMMAND' clause naming what prints it");
        var run = commands.Where((c, i) => i < before.Count || only is null || c.Command.StartsWith(only, StringComparison.Ordinal))
            .Select(c => new ReadmeCommand(c.Command, c.Shown)).ToList();
        return new ReadmeBlock(line, run, substitutions, exitOnly, needs);
    }

    /// <summary>The command as the test runs it: the substitutions applied.</summary>
    public string Prepare(string command) => Substitutions.Aggregate(command, (c, s) => c.Replace(s.Old, s.New, StringComparison.Ordinal));

    /// <summary>
    /// The first shown line that <paramref name="printed"/> lacks (shown lines must appear in order), or null. Timings
    /// and throughput (a number before s, ms, samples/s or GFLOP/s) match any number, and runs of spaces any spacing.
    /// </summary>
    public static string? Missing(IReadOnlyList<string> shown, IReadOnlyList<string> printed)
    {
        int at = 0;
        foreach (var line in shown)
        {
            var pattern = new Regex("^" + Loose(line) + "$");
            while (at < printed.Count && !pattern.IsMatch(printed[at].TrimEnd())) at++;
            if (at == printed.Count) return line;
            at++;
        }
        return null;
    }

    private static string Loose(string line)
    {
        var pattern = new System.Text.StringBuilder();
        int from = 0;
        foreach (Match m in Timing().Matches(line))
        {
            pattern.Append(Regex.Escape(line[from..m.Index])).Append(@"[\d.,]+[kMG]?");
            from = m.Index + m.Length;
        }
        pattern.Append(Regex.Escape(line[from..].TrimEnd()));
        return Spaces().Replace(pattern.ToString(), @"\s+");
    }

    [GeneratedRegex(@"^<!-- readme-test:(.*)-->$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"\d[\d.,]*[kMG]?(?=\s?(samples/s|s\b|ms\b|ms/|GFLOP/s))")]
    private static partial Regex Timing();

    [GeneratedRegex(@"(\\ )+")]
    private static partial Regex Spaces();
}
