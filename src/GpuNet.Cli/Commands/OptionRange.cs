using System.Numerics;
using GpuNet.Settings;

namespace GpuNet.Cli.Commands;

/// <summary>
/// Range checks on an option's parsed value, as System.CommandLine validators: a bad value is a usage error that
/// names the option, reported before anything runs, and each range is written once, where its option is declared.
/// </summary>
internal static class OptionRange
{
    /// <summary>Fails a given value outside <paramref name="valid"/> with "<c>--name {rule} (got value)</c>"; a value that does not parse is left to the parser's own error.</summary>
    public static Option<T> Require<T>(this Option<T> option, Func<T, bool> valid, string rule)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0)
                return; // the default applies
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return; // unparseable: the parser reports it, naming the option
            }
            if (!valid(value))
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} {rule} (got {value})"));
        });
        return option;
    }

    /// <summary>The validator of a library setting's range (<see cref="SettingRange{T}"/>): the same rule, in the same words, as the library's check.</summary>
    public static Option<T> Within<T>(this Option<T> option, SettingRange<T> range) where T : INumber<T> =>
        option.Require(range.Contains, range.Rule);

    /// <summary><see cref="Within{T}(Option{T}, SettingRange{T})"/> for an option whose default is decided later (null when not given).</summary>
    public static Option<T?> Within<T>(this Option<T?> option, SettingRange<T> range) where T : struct, INumber<T> =>
        option.Require(v => v is not { } value || range.Contains(value), range.Rule);

    public static Option<int> AtLeast(this Option<int> option, int least) =>
        option.Require(v => v >= least, least == 0 ? "must be zero or more" : $"must be at least {least}");

    public static Option<double> Positive(this Option<double> option) => option.Require(v => v > 0 && !double.IsInfinity(v), "must be a positive number");

    /// <summary>"256,128" → [256, 128], in order; anything but positive integers is a usage error naming <paramref name="option"/>.</summary>
    public static List<int> PositiveIntegers(string option, string text, string example)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
                throw new UsageException($"{option} '{text}' is not a list of positive integers such as {example}");
            values.Add(value);
        }
        return values;
    }
}
