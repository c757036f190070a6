using System.Reflection;
using System.Text.RegularExpressions;
using GpuNet.Cli;
using GpuNet.Settings;

namespace GpuNet.Tests.Cli;

/// <summary>
/// The library names settings, the CLI names options: library errors carry <see cref="Setting"/> identities, the CLI's
/// one table spells each as its flag, and the CLI's range validators are built from the library's range table.
/// </summary>
public sealed partial class SettingFlagsTests
{
    [Fact]
    public void Every_setting_has_its_own_option()
    {
        var flags = Enum.GetValues<Setting>().Select(SettingFlags.Flag).ToList();

        Assert.All(flags, flag => Assert.Matches("^--[a-z][a-z0-9-]*$", flag));
        Assert.Equal(flags.Count, flags.Distinct().Count());
    }

    [Fact]
    public void A_typed_error_names_settings_in_the_library_and_options_in_the_cli()
    {
        var e = new UsageException($"{Setting.EarlyStoppingPatience} needs a validation split ({Setting.ValidationFraction} above 0)");

        Assert.Equal("EarlyStoppingPatience needs a validation split (ValidationFraction above 0)", e.Message);
        Assert.Equal([Setting.EarlyStoppingPatience, Setting.ValidationFraction], e.Text!.Value.Settings);
        Assert.Equal("--early-stopping needs a validation split (--val-fraction above 0)", SettingFlags.Describe(e));
    }

    /// <summary>Values keep their format specifiers, null reads as nothing, and only Setting holes become options.</summary>
    [Fact]
    public void A_setting_message_formats_values_and_keeps_only_settings_as_identities()
    {
        var e = new UsageException($"{Setting.Noise} {1.23456789f:G3}: {Setting.Samples} {12345} of {(string?)null}'{"Model"}'");

        Assert.Equal("Noise 1.23: Samples 12345 of 'Model'", e.Message);
        Assert.Equal("--noise 1.23: --samples 12345 of 'Model'", SettingFlags.Describe(e));
        Assert.Equal([Setting.Noise, Setting.Samples], e.Text!.Value.Settings);
    }

    [Fact]
    public void A_value_out_of_range_is_a_setting_exception_that_says_which_setting()
    {
        var e = Assert.Throws<SettingException>(() => new TrainOptions { LearningRate = 0f }.Validate());

        Assert.Equal(Setting.LearningRate, e.Setting);
        Assert.Equal("--lr must be a positive number (got 0)", SettingFlags.Describe(e));
        Assert.Equal(ExitCodes.UsageError, ExitCodes.For(e));
    }

    /// <summary>Every entry of the range table is an option's validator: −1, outside every range, is refused while the command line is read, in the table's words.</summary>
    [Fact]
    public void The_train_options_validators_are_built_from_the_range_table()
    {
        var ranges = typeof(TrainOptionRanges).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null)!).Select(r => ((Setting)r.GetType().GetProperty("Setting")!.GetValue(r)!, (string)r.GetType().GetProperty("Rule")!.GetValue(r)!)).ToList();
        Assert.Equal(15, ranges.Count);

        foreach (var (setting, rule) in ranges)
        {
            string flag = SettingFlags.Flag(setting);
            var run = CliRun.Of("train", "--data", "blobs", "--device", "cpu", flag, "-1");

            Assert.True(run.ExitCode == ExitCodes.UsageError, $"{flag} -1\n{run}");
            Assert.StartsWith($"gpunet train: {flag} {rule} (got -1) (see 'gpunet train --help')", run.Stderr, StringComparison.Ordinal);
        }
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
        // A setting is named by a {Setting.X} hole, which the CLI spells as its option; a name in backticks would reach the user as it is.
        var backticked = literals.Where(l => Backticked().IsMatch(l.Text)).Select(l => $"{l.File}: {l.Text}").ToList();
        Assert.True(backticked.Count == 0, "library messages naming a setting in backticks:\n" + string.Join("\n", backticked));
    }

    [Fact]
    public void A_csv_too_short_to_split_names_the_test_data_option()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("one.csv", "0,1.0,2.0\n");

        var e = Assert.Throws<DataException>(() => CsvReader.LoadSplit(path, null, new CsvFormat { Classes = ["0", "1"] }, 0.2, seed: 0));

        Assert.Equal($"{path}: only 1 data row; need at least 2 to hold out a test split (or pass --test-data)", SettingFlags.Describe(e));
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
    private static partial Regex Backticked();
}
