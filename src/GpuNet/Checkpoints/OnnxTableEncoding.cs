using Google.Protobuf;
using GpuNet.Data;
using Onnx;
using static GpuNet.Checkpoints.OnnxNodes;

namespace GpuNet.Checkpoints;

/// <summary>
/// A model's <see cref="TableEncoding"/> inside its ONNX graph, with the standard <c>ai.onnx.ml</c> operators: one graph input
/// per raw CSV column, named as the column ([N, 1]: float for a numeric column, string for a categorical one). A numeric
/// column's NaN is filled by <c>Imputer</c> where the model imputes; a category becomes its index by <c>LabelEncoder</c>
/// (a missing text, "" or NA, the imputed category's; an unseen one -1), then <c>OneHotEncoder</c> (-1: all zeros) and
/// <c>Flatten</c>; <c>Concat</c> puts the inputs in the model's order. Categories are matched as the checkpoint spells them.
/// </summary>
internal static class OnnxTableEncoding
{
    public const string MlDomain = "ai.onnx.ml";

    /// <summary>LabelEncoder's keys_strings and values_int64s came with ai.onnx.ml opset 2.</summary>
    public const int MlOpset = 2;

    /// <summary>The graph's input for each raw column: its header name, or column_1, column_2, … for a file without a header.</summary>
    public static string[] InputNames(TableEncoding encoding) =>
        encoding.Columns.Select((c, f) => c.Name ?? $"column_{f + 1}").ToArray();

    /// <summary>Adds the inputs and the encoding to <paramref name="graph"/>; returns the value that holds the model's inputs [N, F].</summary>
    public static string Add(GraphProto graph, TableEncoding encoding)
    {
        var names = InputNames(encoding);
        var pieces = new string[names.Length];
        for (int f = 0; f < names.Length; f++)
        {
            var column = encoding.Columns[f];
            string prefix = $"encode.{f}";
            if (column.Categories is { } categories)
            {
                graph.Input.Add(TypedValue(names[f], TensorProto.Types.DataType.String, 1));
                // Missing texts take the imputed category's index; without an imputer they are unseen: all zeros.
                var missing = column.Fill is { } fill ? MissingValues.Texts : [];
                var index = MlNode(graph, "LabelEncoder", names[f], $"{prefix}.index");
                index.Attribute.Add(Strings("keys_strings", [.. categories, .. missing]));
                int fillIndex = column.Fill is null ? -1 : categories.ToList().IndexOf(column.Fill);
                index.Attribute.Add(Ints("values_int64s", [.. Enumerable.Range(0, categories.Count).Select(i => (long)i), .. missing.Select(_ => (long)fillIndex)]));
                index.Attribute.Add(IntAttribute("default_int64", -1));
                var oneHot = MlNode(graph, "OneHotEncoder", index.Output[0], $"{prefix}.one_hot");
                oneHot.Attribute.Add(Ints("cats_int64s", Enumerable.Range(0, categories.Count).Select(i => (long)i)));
                oneHot.Attribute.Add(IntAttribute("zeros", 1));
                var flat = Node(graph, "Flatten", [oneHot.Output[0]], $"{prefix}.inputs"); // [N, 1, K] to [N, K]
                flat.Attribute.Add(IntAttribute("axis", 1));
                pieces[f] = flat.Output[0];
            }
            else
            {
                graph.Input.Add(FloatValue(names[f], 1));
                pieces[f] = names[f];
                if (column.Fill is null) continue;
                var imputer = MlNode(graph, "Imputer", names[f], $"{prefix}.imputed");
                imputer.Attribute.Add(new AttributeProto { Name = "imputed_value_floats", Type = AttributeProto.Types.AttributeType.Floats, Floats = { column.FillValue } });
                imputer.Attribute.Add(new AttributeProto { Name = "replaced_value_float", Type = AttributeProto.Types.AttributeType.Float, F = float.NaN });
                pieces[f] = imputer.Output[0];
            }
        }
        var concat = Node(graph, "Concat", pieces, "encoded");
        concat.Attribute.Add(IntAttribute("axis", 1));
        return concat.Output[0];
    }

    /// <summary>A graph input must not share its name with another input or with a value inside the graph (a column called "label").</summary>
    public static void RequireDistinctNames(GraphProto graph)
    {
        var inner = new HashSet<string>(graph.Node.SelectMany(n => n.Output).Concat(graph.Initializer.Select(i => i.Name)).Concat(graph.Output.Select(o => o.Name)), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
            if (inner.Contains(input.Name) || !seen.Add(input.Name))
                throw new UsageException($"the column name {Text.Quote(input.Name)} cannot name an input of the ONNX graph: it is taken by {(inner.Contains(input.Name) ? "a value inside the graph" : "another column")}; retrain with the column renamed");
    }

    private static NodeProto MlNode(GraphProto graph, string op, string input, string output)
    {
        var node = Node(graph, op, [input], output);
        node.Domain = MlDomain;
        return node;
    }

    private static AttributeProto Strings(string name, IEnumerable<string> values) => new()
    {
        Name = name,
        Type = AttributeProto.Types.AttributeType.Strings,
        Strings = { values.Select(ByteString.CopyFromUtf8) },
    };

    private static AttributeProto Ints(string name, IEnumerable<long> values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };
}
