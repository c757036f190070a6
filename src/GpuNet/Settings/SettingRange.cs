using System.Numerics;

namespace GpuNet.Settings;

/// <summary>
/// The values a numeric setting accepts, written once: the library checks its options with it (<see cref="Check"/>),
/// and the CLI builds the option's validator from it, so both refuse the same values in the same words,
/// "<c>{setting} {Rule} (got {value})</c>".
/// </summary>
public sealed class SettingRange<T>(Setting setting, Func<T, bool> contains, string rule) where T : INumber<T>
{
    public Setting Setting => setting;

    /// <summary>The rule in words, e.g. "must be in [0, 1)".</summary>
    public string Rule => rule;

    public bool Contains(T value) => contains(value);

    /// <summary>Throws a <see cref="SettingException"/> for a value outside the range.</summary>
    public void Check(T value)
    {
        if (!contains(value)) throw new SettingException(setting, rule, value);
    }
}

/// <summary>The common shapes of <see cref="SettingRange{T}"/>.</summary>
public static class SettingRange
{
    public static SettingRange<int> AtLeast(Setting setting, int least, string? rule = null) =>
        new(setting, v => v >= least, rule ?? (least == 0 ? "must be zero or more" : $"must be at least {least}"));

    /// <summary>Finite and above zero (NaN fails).</summary>
    public static SettingRange<T> Positive<T>(Setting setting) where T : IFloatingPointIeee754<T> =>
        new(setting, v => v > T.Zero && T.IsFinite(v), "must be a positive number");

    /// <summary>Finite and zero or above (NaN fails).</summary>
    public static SettingRange<T> ZeroOrPositive<T>(Setting setting, string rule) where T : IFloatingPointIeee754<T> =>
        new(setting, v => v >= T.Zero && T.IsFinite(v), rule);

    /// <summary>[0, 1): a probability that may be 0 but not 1 (NaN fails).</summary>
    public static SettingRange<T> Fraction<T>(Setting setting) where T : IFloatingPointIeee754<T> =>
        new(setting, v => v >= T.Zero && v < T.One, "must be in [0, 1)");
}

/// <summary>A setting's value outside its <see cref="SettingRange{T}"/>: a usage error that says which setting.</summary>
public sealed class SettingException(Setting setting, string rule, object value)
    : UsageException($"{setting} {rule} (got {value})")
{
    public Setting Setting { get; } = setting;
}
