using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Kernels;
using GpuNet.Nn;

namespace GpuNet.Reference;

/// <summary>
/// Every non-GEMM kernel at once, on any backend: a few SGD steps of a small MLP (tanh, so no ReLU
/// kinks amplify rounding) on the device, beside <see cref="ReferenceTraining"/> in float64 from the
/// same initial weights and batches. The parameters after the steps must agree within
/// <see cref="ErrorBound.TrainingSteps"/>. Read by the tests (every device) and by <c>gpunet selftest</c>.
/// </summary>
public static class StepCheck
{
    private const int Rows = 33, Steps = 3;

    /// <summary>Largest |device − reference| / bound over every parameter after the steps; ≤ 1 passes.</summary>
    public static double WorstRatio(IBackend device)
    {
        var spec = ModelSpec.Create(ModelKind.Mlp, 37, 10, [65, 17], Activation.Tanh);
        var rng = new Random(5);
        var x = Enumerable.Range(0, Steps * Rows * spec.Inputs).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, Steps * Rows).Select(_ => rng.Next(spec.Classes)).ToArray();
        // Batches walk the rows backwards, so the device's gather is exercised with a real permutation.
        var order = Enumerable.Range(0, y.Length).Reverse().ToArray();
        var sgd = new SgdParams(0.1f, 0.9f, 1e-4f, Nesterov: false);

        using var network = new Network(device, spec, Rows);
        network.Initialise(InitScheme.Auto, seed: 3);
        var parameters = network.ExportParameters().Select(t => Array.ConvertAll(t.Data, v => (double)v)).ToArray();
        var velocities = parameters.Select(p => new double[p.Length]).ToArray();
        var got = Train(device, network, spec, x, y, order, sgd);

        var batchX = new double[Rows * spec.Inputs];
        var batchY = new int[Rows];
        var features = Array.ConvertAll(x, v => (double)v);
        for (int s = 0; s < Steps; s++)
        {
            ReferenceOps.GatherRows(features, spec.Inputs, order, s * Rows, Rows, batchX);
            ReferenceOps.GatherLabels(y, order, s * Rows, Rows, batchY);
            ReferenceTraining.Step(spec, parameters, velocities, batchX, batchY, Rows, sgd);
        }

        double worst = 0;
        for (int t = 0; t < parameters.Length; t++)
            worst = Math.Max(worst, ErrorBound.TrainingSteps.WorstRatio(got[t].Data, parameters[t], ErrorBound.ElementScale(parameters[t])));
        return worst;
    }

    private static IReadOnlyList<NamedTensor> Train(IBackend backend, Network network, ModelSpec spec, float[] x, int[] y, int[] order, in SgdParams sgd)
    {
        using var features = backend.Allocate<float>(x.Length);
        var storedLabels = ClassLabels.From(y);
        using var labels = DeviceLabels.Upload(backend, storedLabels.Stored, storedLabels.Width);
        using var rowOrder = backend.Allocate<int>(order.Length);
        using var batchX = backend.Allocate<float>(Rows * spec.Inputs);
        using var batchY = backend.Allocate<int>(Rows);
        using var stats = backend.Allocate<float>(2 * Rows);
        backend.Upload<float>(x, features);
        backend.Upload<int>(order, rowOrder);
        using var optimizer = new Optim.Sgd(backend, network, sgd.Momentum, sgd.WeightDecay, sgd.Nesterov);
        for (int s = 0; s < Steps; s++)
        {
            backend.GatherBatch(features, spec.Inputs, scaling: null, labels, rowOrder, s * Rows, Rows, batchX, batchY);
            network.ComputeGradients(batchX, batchY, Rows, stats, dropout: null);
            optimizer.Step(sgd.LearningRate);
        }
        return network.ExportParameters();
    }
}
