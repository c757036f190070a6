using GpuNet.Kernels;
using GpuNet.Nn;

namespace GpuNet.Reference;

/// <summary>
/// The loss of a model in float64, written as plainly as possible: the ground truth that
/// finite-difference gradient checks differentiate. Parameters come in the order and layout of
/// <see cref="Network.ExportParameters"/>: layers.{i}.weight [out, in], then layers.{i}.bias [out].
/// </summary>
public static class ReferenceModel
{
    /// <summary>
    /// Mean loss over the <paramref name="rows"/> rows of x [rows, Inputs] (softmax or binary cross-entropy), with
    /// <paramref name="dropout"/>'s masks on the hidden layers when given; with <paramref name="classWeights"/> the weighted
    /// mean Σ w[y]·l / Σ w[y] (PyTorch's CrossEntropyLoss(weight=)).
    /// </summary>
    public static double Loss(ModelSpec spec, IReadOnlyList<double[]> parameters, double[] x, int[] labels, int rows, DropoutStep? dropout = null,
        double[]? classWeights = null)
    {
        double total = 0, weightSum = 0;
        var input = new double[spec.Inputs];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(x, r * spec.Inputs, input, 0, spec.Inputs);
            var logits = Forward(spec, parameters, input, dropout is { } d ? (d, r) : null);
            double weight = classWeights?[labels[r]] ?? 1;
            weightSum += weight;
            total += weight * (spec.Kind == ModelKind.Logistic
                ? BinaryCrossEntropy(logits[0], labels[r])
                : SoftmaxCrossEntropy(logits, labels[r]));
        }
        return total / weightSum;
    }

    /// <summary>
    /// One row through every layer: h = f(W·h + b); under dropout each hidden h is multiplied by the mask the
    /// network draws for that row (element row·Out + unit of the layer's [rows, Out] output), over 1 − p.
    /// </summary>
    public static double[] Forward(ModelSpec spec, IReadOnlyList<double[]> parameters, double[] input, (DropoutStep Step, int Row)? dropout = null)
    {
        var h = input;
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            var layer = spec.Layers[l];
            var w = parameters[2 * l];
            var b = parameters[2 * l + 1];
            var next = new double[layer.Out];
            for (int o = 0; o < layer.Out; o++)
            {
                double z = b[o];
                for (int i = 0; i < layer.In; i++) z += w[o * layer.In + i] * h[i];
                next[o] = Activate(layer.Activation, z);
                if (dropout is ({ } d, int row) && l < spec.Layers.Count - 1)
                    next[o] *= DropoutMask.Keeps(d.LayerSeed(l), row * layer.Out + o, d.Probability) ? 1 / (1 - (double)d.Probability) : 0;
            }
            h = next;
        }
        return h;
    }

    public static double Activate(Activation activation, double z) => activation switch
    {
        Activation.Relu => Math.Max(z, 0),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        _ => z,
    };

    /// <summary>−log softmax(z)[label], via log-sum-exp.</summary>
    public static double SoftmaxCrossEntropy(double[] logits, int label)
    {
        double max = logits.Max();
        double sum = logits.Sum(z => Math.Exp(z - max));
        return Math.Log(sum) + max - logits[label];
    }

    /// <summary>−[y log σ(z) + (1 − y) log(1 − σ(z))], in the stable form.</summary>
    public static double BinaryCrossEntropy(double z, int label) =>
        Math.Max(z, 0) - z * label + Math.Log(1 + Math.Exp(-Math.Abs(z)));
}
