using Google.Protobuf;
using Onnx;

namespace GpuNet.Checkpoints;

/// <summary>The pieces an exported ONNX graph is built of: nodes, attributes, initializers and typed values.</summary>
internal static class OnnxNodes
{
    internal static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    internal static NodeProto Node(GraphProto graph, string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        graph.Node.Add(node);
        return node;
    }

    internal static string Binary(GraphProto graph, string op, string a, string b, string output) => Node(graph, op, [a, b], output).Output[0];

    /// <summary>An initializer, its float32 values stored as raw little-endian bytes (ONNX's raw_data layout).</summary>
    internal static string Constant(GraphProto graph, string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[checked(values.Length * sizeof(float))];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A float tensor [N, <paramref name="width"/>] with the batch dimension named N.</summary>
    internal static ValueInfoProto FloatValue(string name, int width) => TypedValue(name, TensorProto.Types.DataType.Float, width);

    /// <summary>A tensor of <paramref name="type"/> [N, <paramref name="width"/>] with the batch dimension named N.</summary>
    internal static ValueInfoProto TypedValue(string name, TensorProto.Types.DataType type, int width) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = Shape(width) } },
    };

    internal static TensorShapeProto Shape(int? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        if (width is { } w) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        return shape;
    }
}
