using System.Text.Json;
using Google.Protobuf;
using GpuNet.IO;
using GpuNet.Kernels;
using GpuNet.Nn;
using Onnx;
using static GpuNet.Checkpoints.OnnxNodes;

namespace GpuNet.Checkpoints;

/// <summary>
/// A checkpoint as an ONNX model (opset 13) that answers as predict does: input <c>features</c> [N, F] holds the raw
/// values predict reads (bytes 0..255 for a model trained on IDX images, CSV numbers as written) — or, for a model that
/// encodes categorical columns or missing cells, one input per raw CSV column encoded in the graph (<see cref="OnnxTableEncoding"/>,
/// ai.onnx.ml opset 2); the graph applies the
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
        // A model with an encoding takes its raw CSV columns, one input each, and encodes them inside the graph.
        string x = InputName;
        if (checkpoint.Encoding is { } encoding) x = OnnxTableEncoding.Add(graph, encoding);
        else graph.Input.Add(FloatValue(InputName, spec.Inputs));

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

        OnnxTableEncoding.RequireDistinctNames(graph);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "gpunet",
            Graph = graph,
            DocString = spec.Describe(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (checkpoint.Encoding is not null) model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxTableEncoding.MlDomain, Version = OnnxTableEncoding.MlOpset });
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
}
