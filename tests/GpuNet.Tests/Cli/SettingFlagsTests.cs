using System.Text.RegularExpressions;
using GpuNet.Cli;

namespace GpuNet.Tests.Cli;

/// <summary>
/// The library names settings, the CLI names options: library messages carry `Property` names,
/// and the CLI's one table turns each into its flag.
/// </summary>
public sealed partial class SettingFlagsTests
{
    [Fact]
    public void A_setting_in_backticks_becomes_its_option()
    {
        Assert.Equal("--early-stopping needs a validation split (--val-fraction above 0)",
            SettingFlags.ToFlags("`EarlyStoppingPatience` needs a validation split (`ValidationFraction` above 0)"));
        Assert.Equal("Unknown stays Unknown", SettingFlags.ToFlags("`Unknown` stays Unknown"));
    }

    [Fact]
    public void Library_messages_name_no_option_and_every_setting_they_name_has_one()
    {
        var literals = LibrarySources().SelectMany(f => File.ReadLines(f)
            .Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .SelectMany(l => StringLiteral().Matches(l).Select(m => (File: Path.GetFileName(f), Text: m.Value)))).ToList();
        Assert.NotEmpty(literals);
        var flags = literals.Where(l => Flag().IsMatch(l.Text)).Select(l => $"{l.File}: {l.Text}").ToList();
        Assert.True(flags.Count == 0, "library messages naming options:\n" + string.Join("\n", flags));
        var unmapped = literals.SelectMany(l => Setting().Matches(l.Text).Select(m => m.Groups[1].Value))
            .Where(name => SettingFlags.ToFlags($"`{name}`") == name).Distinct().ToList();
        Assert.True(unmapped.Count == 0, "settings with no option in SettingFlags: " + string.Join(", ", unmapped));
    }

    private static IEnumerable<string> LibrarySources()
    {
        return Directory.EnumerateFiles(Path.Combine(Repository.Root, "src", "GpuNet"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    [GeneratedRegex("\"(?:\\\\.|[^\"\\\\])*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("(?<![\\w-])--[a-z][a-z-]*")]
    private static partial Regex Flag();

    [GeneratedRegex("`([A-Z][A-Za-z0-9]*)`")]
    private static partial Regex Setting();
}
