using GpuNet.Backends;
using GpuNet.Nn;

namespace GpuNet.Reference;

/// <summary>
/// SGD steps of a softmax network in float64, composed of <see cref="ReferenceOps"/> exactly as
/// a training step composes the backend's ops: forward, fused softmax
/// cross-entropy with its gradient scaled by 1/rows, backward, then the update of every tensor.
/// Parameters and velocities are in <see cref="Network.ExportParameters"/> order.
/// </summary>
public static class ReferenceTraining
{
    /// <summary>One step on <paramref name="rows"/> rows x [rows, Inputs] with labels y; updates parameters and velocities in place.</summary>
    public static void Step(ModelSpec spec, double[][] parameters, double[][] velocities, double[] x, int[] y, int rows, in SgdParams sgd)
    {
        if (spec.Kind == ModelKind.Logistic)
            throw new NotSupportedException("the reference training step is written for softmax outputs");
        int layers = spec.Layers.Count;
        var outputs = new double[layers + 1][];
        outputs[0] = x;
        for (int l = 0; l < layers; l++)
        {
            var layer = spec.Layers[l];
            var z = new double[rows * layer.Out];
            ReferenceOps.Gemm(new GemmShape(false, true, rows, layer.Out, layer.In), outputs[l], parameters[2 * l], z);
            ReferenceOps.BiasActivation(z, parameters[2 * l + 1], rows, layer.Out, layer.Activation);
            outputs[l + 1] = z;
        }

        var grad = new double[rows * spec.Classes];
        ReferenceOps.SoftmaxCrossEntropy(outputs[layers], y, rows, spec.Classes, grad, 1.0 / rows, new double[2 * rows]);
        for (int l = layers - 1; l >= 0; l--)
        {
            var layer = spec.Layers[l];
            var weightGrad = new double[layer.Out * layer.In];
            var biasGrad = new double[layer.Out];
            ReferenceOps.Gemm(new GemmShape(true, false, layer.Out, layer.In, rows), grad, outputs[l], weightGrad);
            ReferenceOps.ColumnSums(grad, rows, layer.Out, biasGrad);
            if (l > 0)
            {
                var below = new double[rows * layer.In];
                ReferenceOps.Gemm(new GemmShape(false, false, rows, layer.In, layer.Out), grad, parameters[2 * l], below);
                ReferenceOps.ActivationBackward(below, outputs[l], below, below.Length, spec.Layers[l - 1].Activation);
                grad = below;
            }
            ReferenceOps.SgdUpdate(parameters[2 * l], weightGrad, velocities[2 * l], weightGrad.Length, sgd);
            ReferenceOps.SgdUpdate(parameters[2 * l + 1], biasGrad, velocities[2 * l + 1], biasGrad.Length, sgd);
        }
    }
}
