using GpuNet.Backends.Cpu;
using GpuNet.Kernels;
using GpuNet.Nn;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// Every non-GEMM kernel at once, on a real device: a few SGD steps of a small MLP (tanh, so no
/// ReLU kinks amplify rounding) from the same seeded weights and data on the device and on the
/// CPU backend; the parameters must agree to float32 rounding.
/// </summary>
public static class StepCheck
{
    /// <summary>Largest |device − cpu| / (1e-4·max(1, |cpu|)) over every parameter after the steps; ≤ 1 passes.</summary>
    public static double WorstRatio(IBackend device)
    {
        const int rows = 33, steps = 3;
        var spec = ModelSpec.Create(ModelKind.Mlp, 37, 10, [65, 17], Activation.Tanh);
        var rng = new Random(5);
        var x = Enumerable.Range(0, steps * rows * spec.Inputs).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, steps * rows).Select(_ => rng.Next(spec.Classes)).ToArray();

        using var cpu = new CpuBackend();
        var want = Train(cpu, spec, x, y, rows, steps);
        var got = Train(device, spec, x, y, rows, steps);
        double worst = 0;
        for (int t = 0; t < want.Count; t++)
            for (int i = 0; i < want[t].Data.Length; i++)
            {
                double ratio = Math.Abs(got[t].Data[i] - want[t].Data[i]) / (1e-4 * Math.Max(1, Math.Abs(want[t].Data[i])));
                if (!(ratio <= worst))
                    worst = double.IsNaN(ratio) ? double.PositiveInfinity : ratio;
            }
        return worst;
    }

    private static IReadOnlyList<NamedTensor> Train(IBackend backend, ModelSpec spec, float[] x, int[] y, int rows, int steps)
    {
        using var network = new Network(backend, spec, rows);
        network.Initialise(InitScheme.Auto, seed: 3);
        using var features = backend.Allocate<float>(x.Length);
        using var labels = backend.Allocate<int>(y.Length);
        using var order = backend.Allocate<int>(y.Length);
        using var batchX = backend.Allocate<float>(rows * spec.Inputs);
        using var batchY = backend.Allocate<int>(rows);
        using var stats = backend.Allocate<float>(2 * rows);
        backend.Upload<float>(x, features);
        backend.Upload<int>(y, labels);
        backend.Upload<int>(Enumerable.Range(0, y.Length).Reverse().ToArray(), order);
        var sgd = new SgdParams(0.1f, 0.9f, 1e-4f, Nesterov: false);
        for (int s = 0; s < steps; s++)
        {
            backend.GatherBatch(features, spec.Inputs, labels, order, s * rows, rows, batchX, batchY);
            network.TrainStep(batchX, batchY, rows, sgd, stats);
        }
        return network.ExportParameters();
    }
}
