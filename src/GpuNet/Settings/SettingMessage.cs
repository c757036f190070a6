using System.Globalization;

using System.Runtime.CompilerServices;

namespace GpuNet.Settings;

/// <summary>
/// An error's text with the settings it names kept as identities: <c>$"{Setting.Nesterov} needs a non-zero {Setting.Momentum}"</c>.
/// <see cref="ToString"/> spells each setting as its property name (the library's own message); <see cref="Render"/> lets a
/// front end spell them its way (the CLI: as flags). Every other value is formatted with the invariant culture.
/// </summary>
[InterpolatedStringHandler]
public readonly struct SettingMessage
{
    private readonly List<object> _parts; // string, or Setting

    public SettingMessage(int literalLength, int formattedCount) => _parts = new List<object>(2 * formattedCount + 1);

    public void AppendLiteral(string text) => _parts.Add(text);

    public void AppendFormatted(Setting setting) => _parts.Add(setting);

    /// <summary>Another message inside this one (a hint built apart), its settings kept as identities.</summary>
    public void AppendFormatted(SettingMessage inner) => _parts.AddRange(inner._parts ?? []);

    public void AppendFormatted<T>(T value) => AppendFormatted(value, format: null);

    public void AppendFormatted<T>(T value, string? format) =>
        _parts.Add(value is IFormattable formattable ? formattable.ToString(format, CultureInfo.InvariantCulture) : value?.ToString() ?? "");

    /// <summary>The settings the message names, in order of appearance.</summary>
    public IEnumerable<Setting> Settings => (_parts ?? []).OfType<Setting>();

    /// <summary>The text with each setting spelled by <paramref name="name"/>.</summary>
    public string Render(Func<Setting, string> name) =>
        string.Concat((_parts ?? []).Select(part => part is Setting setting ? name(setting) : (string)part));

    public override string ToString() => Render(setting => setting.ToString());
}
