using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GpuNet.Checkpoints;

/// <summary>
/// The JSON header of a safetensors file: <c>{"name": {"dtype", "shape", "data_offsets"}, ..., "__metadata__": {string: string}}</c>.
/// Parsing checks everything the header claims before any tensor memory is allocated: the JSON itself,
/// each entry's fields and dtype, the shape against its byte range, and that the ranges tile the data
/// section exactly (no overlap, no gap, nothing past the end, nothing left over).
/// </summary>
internal static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";
    public const string Float32 = "F32";

    /// <summary>The dtypes read, with their element sizes: F32 as it is, F16, BF16 and F64 converted to F32 on load.</summary>
    public static readonly IReadOnlyDictionary<string, int> ReadDTypes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [Float32] = 4, ["F16"] = 2, ["BF16"] = 2, ["F64"] = 8,
    };

    /// <summary>The dtypes the safetensors format defines; only F32 is read, but the others get a clearer message than "unknown".</summary>
    private static readonly HashSet<string> KnownDTypes =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64", "C64"];

    /// <summary>The header's bytes, padded with spaces so the data section that follows the 8-byte length starts 8-byte aligned.</summary>
    public static byte[] Serialize(IEnumerable<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteEndObject();
            foreach (var e in entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", e.DType);
                json.WriteStartArray("shape");
                foreach (long d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(e.Begin);
                json.WriteNumberValue(e.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    /// <summary>Parses and validates a header against the length of the data section that follows it.</summary>
    public static (SafetensorsEntry[] Entries, Dictionary<string, string> Metadata) Parse(ReadOnlyMemory<byte> header, long dataLength, string file)
    {
        if (header.Length == 0 || header.Span[0] != (byte)'{')
            throw new DataException($"{file}: the header does not start with '{{': not a safetensors file");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new DataException($"{file}: the header is not valid JSON: {Text.Echo(e.Message, 160)}", e);
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement, dataLength, file);
            }
            catch (InvalidOperationException e) // a string that is not valid UTF-8
            {
                throw new DataException($"{file}: the header holds a string that is not valid UTF-8", e);
            }
        }
    }

    /// <summary>Reads the entries of the root object (a header that starts with '{' and parses is one).</summary>
    private static (SafetensorsEntry[], Dictionary<string, string>) Read(JsonElement root, long dataLength, string file)
    {
        var entries = new List<SafetensorsEntry>();
        Dictionary<string, string>? metadata = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                throw new DataException($"{file}: the header names {Text.Quote(property.Name)} twice");
            if (property.Name == MetadataKey)
                metadata = ReadMetadata(property.Value, file);
            else
                entries.Add(ReadEntry(property.Name, property.Value, dataLength, file));
        }
        CheckLayout(entries, dataLength, file);
        return (entries.ToArray(), metadata ?? []);
    }

    private static Dictionary<string, string> ReadMetadata(JsonElement element, string file)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new DataException($"{file}: {MetadataKey} is a JSON {Kind(element)}, expected an object of strings");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in element.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
                throw new DataException($"{file}: {MetadataKey} entry {Text.Quote(pair.Name)} is a JSON {Kind(pair.Value)}, expected a string");
            if (!metadata.TryAdd(pair.Name, pair.Value.GetString()!))
                throw new DataException($"{file}: {MetadataKey} names {Text.Quote(pair.Name)} twice");
        }
        return metadata;
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement element, long dataLength, string file)
    {
        string where = $"{file}: tensor {Text.Quote(name)}";
        if (name.Length == 0)
            throw new DataException($"{file}: the header has a tensor with an empty name");
        if (element.ValueKind != JsonValueKind.Object)
            throw new DataException($"{where} is a JSON {Kind(element)}, expected an object with dtype, shape and data_offsets");

        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new DataException($"{where} has no dtype string");
        string dtype = dtypeElement.GetString()!;
        if (!ReadDTypes.TryGetValue(dtype, out int size))
            throw new DataException(KnownDTypes.Contains(dtype)
                ? $"{where} has dtype {dtype}; gpunet reads F32, F16, BF16 and F64 tensors (in PyTorch, convert with .float() before saving)"
                : $"{where} has unknown dtype {Text.Quote(dtype)}");

        long[] shape = ReadIntegers(element, "shape", where, expectedCount: null);
        long[] offsets = ReadIntegers(element, "data_offsets", where, expectedCount: 2);
        (long begin, long end) = (offsets[0], offsets[1]);
        if (begin > end)
            throw new DataException($"{where}: data_offsets [{begin}, {end}] end before they begin");
        if (end > dataLength)
            throw new DataException($"{where}: data_offsets [{begin}, {end}] run past the end of the {dataLength}-byte data section");

        // Multiplying only while the product stays within one array's limit keeps a shape like [2^40, 2^40] from overflowing.
        long elements = 1;
        foreach (long d in shape)
        {
            if (elements != 0 && d > Array.MaxLength / elements)
                throw new DataException($"{where}: shape [{string.Join(", ", shape)}] has more than the {Array.MaxLength} elements a tensor may have");
            elements *= d;
        }
        if (shape.Any(d => d > int.MaxValue))
            throw new DataException($"{where}: shape [{string.Join(", ", shape)}] has a dimension over {int.MaxValue}");
        if (elements * size != end - begin)
            throw new DataException($"{where}: shape [{string.Join(", ", shape)}] needs {elements * size} bytes of {dtype}, but data_offsets [{begin}, {end}] hold {end - begin}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement entry, string field, string where, int? expectedCount)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new DataException($"{where} has no {field} array");
        int count = array.GetArrayLength();
        if (expectedCount is { } expected && count != expected)
            throw new DataException($"{where}: {field} has {count} numbers, expected {expected}");
        if (count > 32)
            throw new DataException($"{where}: {field} has {count} dimensions, more than any real tensor");
        var values = new long[count];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
                throw new DataException($"{where}: {field} holds {Text.Echo(item.GetRawText(), 24)}, expected non-negative integers");
            values[i++] = value;
        }
        return values;
    }

    /// <summary>Sorted by offset, the byte ranges must follow each other from 0 to the end of the data section.</summary>
    private static void CheckLayout(List<SafetensorsEntry> entries, long dataLength, string file)
    {
        long expected = 0;
        SafetensorsEntry? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < expected)
                throw new DataException($"{file}: tensor {Text.Quote(e.Name)} (bytes {e.Begin}..{e.End}) overlaps tensor {Text.Quote(previous!.Name)} (bytes {previous.Begin}..{previous.End})");
            if (e.Begin > expected)
                throw new DataException($"{file}: bytes {expected}..{e.Begin} of the data section belong to no tensor");
            expected = e.End;
            previous = e;
        }
        if (expected != dataLength)
            throw new DataException($"{file}: the last {dataLength - expected} bytes of the data section (from byte {expected}) belong to no tensor");
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
