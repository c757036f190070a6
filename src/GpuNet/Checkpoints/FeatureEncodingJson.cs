using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GpuNet.Data;

namespace GpuNet.Checkpoints;

/// <summary>
/// A <see cref="TableEncoding"/> as a checkpoint's <c>feature_encoding</c> metadata: <c>{"impute": "median", "columns":
/// [{"name": "colour", "categories": ["blue", "red"], "fill": "red"}, {"name": "size", "fill": 2.5}]}</c>, one entry per raw
/// column in the model's order; "name" absent for a file without a header, "categories" absent for a numeric column,
/// "fill" absent without an imputer (a number for a numeric column, a category for a categorical one).
/// </summary>
internal static class FeatureEncodingJson
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(TableEncoding encoding)
    {
        var columns = new JsonArray();
        foreach (var c in encoding.Columns)
        {
            var column = new JsonObject();
            if (c.Name is not null) column["name"] = c.Name;
            if (c.Categories is { } categories) column["categories"] = new JsonArray(categories.Select(v => (JsonNode?)v).ToArray());
            if (c.Fill is { } fill) column["fill"] = c.IsCategorical ? fill : JsonValue.Create(c.FillValue);
            columns.Add(column);
        }
        var root = new JsonObject { ["columns"] = columns };
        if (encoding.Impute is { } impute) root["impute"] = impute.Name();
        return root.ToJsonString(Readable);
    }

    /// <summary>The encoding <paramref name="json"/> describes, for a model of <paramref name="inputs"/> inputs; a one-line <see cref="DataException"/> if it does not parse or fit.</summary>
    public static TableEncoding Read(string json, int inputs, string file, string key)
    {
        TableEncoding? encoding;
        try
        {
            encoding = Parse(JsonNode.Parse(json));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            encoding = null;
        }
        if (encoding is null)
            throw new DataException($"{file}: metadata '{key}' is {Text.Echo(json, 48)}, expected the encoding of the model's columns");
        if (encoding.Width != inputs)
            throw new DataException($"{file}: metadata '{key}' encodes {encoding.Width} inputs for a model of {inputs}");
        return encoding;
    }

    private static TableEncoding? Parse(JsonNode? root)
    {
        if (root?["columns"] is not JsonArray array || array.Count == 0) return null;
        ImputeStrategy? impute = null;
        if (root["impute"] is { } name)
            impute = ImputeStrategies.TryParse(name.GetValue<string>(), out var strategy) ? strategy : throw new FormatException("unknown impute strategy");
        var columns = new List<ColumnEncoding>();
        foreach (var node in array)
        {
            if (node is not JsonObject column) return null;
            var categories = column["categories"]?.AsArray().Select(v => v?.GetValue<string>() ?? throw new FormatException("a null category")).ToArray();
            if (categories is { Length: 0 } || categories?.Distinct(StringComparer.Ordinal).Count() < categories?.Length) return null;
            string? fill = column["fill"] is not { } f ? null
                : categories is null ? f.GetValue<float>().ToString("R", CultureInfo.InvariantCulture) : f.GetValue<string>();
            if (fill is not null && categories is not null && Array.IndexOf(categories, fill) < 0) return null;
            if ((fill is null) != (impute is null)) return null;
            columns.Add(new ColumnEncoding(column["name"]?.GetValue<string>(), categories, fill));
        }
        return new TableEncoding(columns, impute);
    }
}
