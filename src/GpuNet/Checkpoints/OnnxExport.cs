using System.Text.Json;
using Google.Protobuf;
using GpuNet.IO;
using GpuNet.Kernels;
using GpuNet.Nn;
using Onnx;

namespace GpuNet.Checkpoints;

/// <summary>
/// A checkpoint as an ONNX model (opset 13) that answers as predict does: input <c>features</c> [N, F] holds the raw
/// values predict reads (bytes 0..255 for a model trained on IDX images, CSV numbers as written); the graph applies the
/// recorded preprocessing (÷255, then the standardisation as Sub and Div with the stored float32 mean and scale, the same
/// float32 operations as <see cref="ModelCheckpoint.PrepareFeatures"/>), one Gemm (transB=1, W is [out, in]) per layer
/// with the hidden activations, and softmax — or for logistic regression sigmoid, presented as the two columns (1 − p, p).
/// Outputs: <c>probabilities</c> [N, C], the columns of predict's prob_*, and <c>label</c> [N] int64, predict's class:
/// decided on the logits by the rule of <see cref="Classifier"/>.
/// The class names go into the model's metadata_props as a JSON array under <see cref="ModelCheckpoint.ClassNamesKey"/>.
/// </summary>
public static class OnnxExport
{
    public const string InputName = "features", ProbabilitiesName = "probabilities", LabelName = "label";
    public const int Opset = 13;

    /// <summary>IR version 7 is the one that goes with opset 13.</summary>
    private const long IrVersion = 7;

    /// <summary>Writes the model to <paramref name="path"/> atomically: a failed write leaves any previous file intact.</summary>
    public static void Save(ModelCheckpoint checkpoint, string path)
    {
        var model = Build(checkpoint);
        AtomicFile.Write(path, model.WriteTo);
    }

    /// <summary>Writes the model to <paramref name="stream"/> (standard output, for a pipe).</summary>
    public static void Save(ModelCheckpoint checkpoint, Stream stream) => Build(checkpoint).WriteTo(stream);

    public static ModelProto Build(ModelCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var spec = checkpoint.Spec;
        var graph = new GraphProto { Name = "gpunet" };
        graph.Input.Add(FloatValue(InputName, spec.Inputs));
        string x = InputName;

        // A plain state dict records no preprocessing (see PrepareFeatures): its features go in as they are.
        if (!checkpoint.IsPlainStateDict && checkpoint.Preprocessing == Preprocessing.ScaleBytes)
            x = Binary(graph, "Div", x, Constant(graph, "byte_scale", [], [255f]), "scaled");
        if (checkpoint.Standardization is { } z)
        {
            x = Binary(graph, "Sub", x, Constant(graph, "standardize_mean", [spec.Inputs], z.Mean), "centred");
            x = Binary(graph, "Div", x, Constant(graph, "standardize_scale", [spec.Inputs], z.Scale), "standardized");
        }

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            var weight = checkpoint.Parameters.Single(p => p.Name == ParameterNames.Weight(i));
            var bias = checkpoint.Parameters.Single(p => p.Name == ParameterNames.Bias(i));
            string w = Constant(graph, weight.Name, [layer.Out, layer.In], weight.Data);
            string b = Constant(graph, bias.Name, [layer.Out], bias.Data);
            var gemm = Node(graph, "Gemm", [x, w, b], $"layers.{i}.output");
            gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            x = gemm.Output[0];
            if (layer.Activation != Activation.Identity)
                x = Node(graph, OpName(layer.Activation), [x], $"layers.{i}.activation").Output[0];
        }

        // The label is decided on the logits, as Classifier decides (LossTerms.PredictedClass): the first argmax of z, or
        // for logistic regression the first argmax of (−z, z), which is 1 exactly when z > 0. An argmax of the
        // probabilities would pick class 0 where σ(z) or softmax rounds two classes to a tie.
        string decided = x;
        if (spec.Kind == ModelKind.Logistic)
        {
            string p = Node(graph, "Sigmoid", [x], "p").Output[0];
            string q = Binary(graph, "Sub", Constant(graph, "one", [], [1f]), p, "one_minus_p");
            Node(graph, "Concat", [q, p], ProbabilitiesName).Attribute.Add(IntAttribute("axis", 1));
            string negated = Node(graph, "Neg", [x], "negated_logit").Output[0];
            var pair = Node(graph, "Concat", [negated, x], "logit_pair");
            pair.Attribute.Add(IntAttribute("axis", 1));
            decided = pair.Output[0];
        }
        else
            Node(graph, "Softmax", [x], ProbabilitiesName).Attribute.Add(IntAttribute("axis", 1));
        var label = Node(graph, "ArgMax", [decided], LabelName);
        label.Attribute.Add(IntAttribute("axis", 1));
        label.Attribute.Add(IntAttribute("keepdims", 0));

        graph.Output.Add(FloatValue(ProbabilitiesName, spec.Classes));
        graph.Output.Add(new ValueInfoProto
        {
            Name = LabelName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64, Shape = Shape(null) } },
        });

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "gpunet",
            Graph = graph,
            DocString = spec.Describe(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = ModelCheckpoint.ClassNamesKey, Value = JsonSerializer.Serialize(checkpoint.ClassNames) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = ModelCheckpoint.ModelKey, Value = spec.Describe() });
        return model;
    }

    private static string OpName(Activation activation) => activation switch
    {
        Activation.Relu => "Relu",
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no ONNX operator for this activation"),
    };

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static NodeProto Node(GraphProto graph, string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        graph.Node.Add(node);
        return node;
    }

    private static string Binary(GraphProto graph, string op, string a, string b, string output) => Node(graph, op, [a, b], output).Output[0];

    /// <summary>An initializer, its float32 values stored as raw little-endian bytes (ONNX's raw_data layout).</summary>
    private static string Constant(GraphProto graph, string name, long[] dims, float[] values)
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
    private static ValueInfoProto FloatValue(string name, int width) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = Shape(width) } },
    };

    private static TensorShapeProto Shape(int? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        if (width is { } w) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        return shape;
    }
}
