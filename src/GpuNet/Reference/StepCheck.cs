using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Reference;

/// <summary>
/// Every non-GEMM kernel at once, on any backend: a few SGD steps of a small MLP (tanh, so no ReLU
/// kinks amplify rounding) through <see cref="Trainer.TrainStep"/>, the one step path training takes (the device's
/// gather, forward, loss, backward and flat update), beside <see cref="ReferenceTraining"/> in float64 from the
/// same initial weights and batches. The parameters after the steps must agree within
/// <see cref="ErrorBound.TrainingSteps"/>. Read by the tests (every device) and by <c>gpunet selftest</c>.
/// </summary>
public static class StepCheck
{
    private const int Rows = 33, Steps = 3, Seed = 5;

    /// <summary>Largest |device − reference| / bound over every parameter after the steps; ≤ 1 passes.</summary>
    public static double WorstRatio(IBackend device)
    {
        var spec = ModelSpec.Create(ModelKind.Mlp, 37, 10, [65, 17], Activation.Tanh);
        var rng = new Random(Seed);
        var x = Enumerable.Range(0, Steps * Rows * spec.Inputs).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, Steps * Rows).Select(_ => rng.Next(spec.Classes)).ToArray();
        var options = new TrainOptions
        {
            Epochs = 1, BatchSize = Rows, EvalBatchSize = Rows, LearningRate = 0.1f, Momentum = 0.9f, WeightDecay = 1e-4f, Seed = Seed,
        };
        var sgd = new SgdParams(options.LearningRate, options.Momentum, options.WeightDecay, options.Nesterov);

        using var network = new Network(device, spec, Trainer.NetworkRows(options));
        network.Initialise(InitScheme.Auto, seed: 3);
        var parameters = network.ExportParameters().Select(t => Array.ConvertAll(t.Data, v => (double)v)).ToArray();
        var velocities = parameters.Select(p => new double[p.Length]).ToArray();
        var got = Train(device, network, spec, x, y, options);

        // The trainer's epoch order: a real permutation, so the device's gather is exercised with one.
        var order = new int[y.Length];
        Permutation.ForEpoch(order, options.Seed, epoch: 1, options.Shuffle);
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

    private static IReadOnlyList<NamedTensor> Train(IBackend backend, Network network, ModelSpec spec, float[] x, int[] y, TrainOptions options)
    {
        var train = new Dataset("step check", x, ClassLabels.From(y), spec.Inputs, spec.Classes);
        var test = new Dataset("none", [], ClassLabels.From([]), spec.Inputs, spec.Classes);
        using var trainer = new Trainer(backend, network, new DataSplit(train, test), options);
        trainer.BeginEpoch(1);
        for (int s = 0; s < Steps; s++)
            trainer.TrainStep(s);
        return network.ExportParameters();
    }
}
