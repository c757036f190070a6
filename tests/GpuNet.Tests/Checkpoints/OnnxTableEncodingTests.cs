using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GpuNet.Tests.Checkpoints;

/// <summary>The ONNX graph of an encoded model: its inputs are the raw columns, named by the header or by position, and never clash with the graph's own values.</summary>
public sealed class OnnxTableEncodingTests
{
    private static ModelCheckpoint Encoded(params string?[] names)
    {
        var sample = CheckpointSamples.Mlp(); // 4 inputs: a category pair and two numbers
        var encoding = new TableEncoding(
            [new ColumnEncoding(names[0], ["a", "b"], null), new ColumnEncoding(names[1], null, null), new ColumnEncoding(names[2], null, null)], null);
        return new ModelCheckpoint(sample.Spec, sample.Parameters, Preprocessing.None, sample.ClassNames, 1, 1) { Encoding = encoding };
    }

    [Fact]
    public void A_model_from_a_file_without_a_header_takes_numbered_columns()
    {
        var graph = OnnxExport.Build(Encoded(null, null, null)).Graph;

        Assert.Equal(["column_1", "column_2", "column_3"], graph.Input.Select(i => i.Name));
        Assert.Equal((int)Onnx.TensorProto.Types.DataType.String, graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal((int)Onnx.TensorProto.Types.DataType.Float, graph.Input[1].Type.TensorType.ElemType);
    }

    [Fact]
    public void Without_an_imputer_a_missing_category_is_all_zeros_like_an_unseen_one()
    {
        string[] categories = ["", "zebra", "a"];
        float[] x = [1f, 1f, 1f], y = [2f, 2f, 2f];
        var bytes = new MemoryStream();
        OnnxExport.Save(Encoded("c", "x", "y"), bytes);
        using var session = new InferenceSession(bytes.ToArray());
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("c", new DenseTensor<string>(categories, [3, 1])),
            NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(x, [3, 1])),
            NamedOnnxValue.CreateFromTensor("y", new DenseTensor<float>(y, [3, 1])),
        ]);
        var p = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();

        Assert.Equal(p[0..3], p[3..6]); // "" and "zebra": both all zeros
        Assert.NotEqual(p[0..3], p[6..9]);
    }

    [Theory]
    [InlineData("label", "a value inside the graph")]
    [InlineData("encoded", "a value inside the graph")]
    [InlineData("x", "another column")]
    public void A_column_named_as_a_graph_value_or_twice_is_refused(string name, string taken)
    {
        var e = Assert.Throws<UsageException>(() => OnnxExport.Build(Encoded(name, "x", "y")));

        Assert.Equal($"the column name '{name}' cannot name an input of the ONNX graph: it is taken by {taken}; retrain with the column renamed", e.Message);
    }
}
