using GpuNet.Backends;
using GpuNet.Nn;

namespace GpuNet.Reference;

/// <summary>
/// The loss of a model in float64, composed of the <see cref="ReferenceOps"/> the backends are checked against, in the
/// order <see cref="Network"/> runs them: the ground truth that finite-difference gradient checks differentiate.
/// Parameters come in the order and layout of <see cref="Network.ExportParameters"/>: layers.{i}.weight [out, in], then
/// layers.{i}.bias [out].
/// </summary>
public static class ReferenceModel
{
    /// <summary>
    /// Mean loss over the <paramref name="rows"/> rows of x [rows, Inputs] (softmax or binary cross-entropy), with
    /// <paramref name="dropout"/>'s masks on the hidden layers when given; with <paramref name="classWeights"/> the weighted
    /// mean Σ w[y]·l / Σ w[y] (PyTorch's CrossEntropyLoss(weight=)). Without weights every class weighs 1.
    /// </summary>
    public static double Loss(ModelSpec spec, IReadOnlyList<double[]> parameters, double[] x, int[] labels, int rows, DropoutStep? dropout = null,
        double[]? classWeights = null)
    {
        var logits = Forward(spec, parameters, x, rows, dropout);
        var weights = classWeights ?? Enumerable.Repeat(1.0, spec.Classes).ToArray();
        var stats = new double[2 * rows];
        if (spec.Kind == ModelKind.Logistic)
            ReferenceOps.SigmoidBinaryCrossEntropy(logits, labels, rows, gradLogits: null, gradScale: 0, stats, weights);
        else
            ReferenceOps.SoftmaxCrossEntropy(logits, labels, rows, spec.Classes, gradLogits: null, gradScale: 0, stats, weights);
        double total = 0, weightSum = 0;
        for (int r = 0; r < rows; r++)
        {
            total += stats[2 * r];
            weightSum += weights[labels[r]];
        }
        return total / weightSum;
    }

    /// <summary>
    /// The logits [rows, Outputs] of x [rows, Inputs]: per layer Y = f(H·Wᵀ + b), and under dropout each hidden Y through
    /// <see cref="ReferenceOps.Dropout"/> with the layer's seed, the mask the network draws.
    /// </summary>
    public static double[] Forward(ModelSpec spec, IReadOnlyList<double[]> parameters, double[] x, int rows, DropoutStep? dropout = null)
    {
        var h = x;
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            var layer = spec.Layers[l];
            var y = new double[rows * layer.Out];
            ReferenceOps.Gemm(new GemmShape(TransA: false, TransB: true, M: rows, N: layer.Out, K: layer.In), h, parameters[2 * l], y);
            ReferenceOps.BiasActivation(y, parameters[2 * l + 1], rows, layer.Out, layer.Activation);
            if (dropout is { } d && l < spec.Layers.Count - 1)
                ReferenceOps.Dropout(y, y, y.Length, d.Probability, d.LayerSeed(l));
            h = y;
        }
        return h;
    }
}
