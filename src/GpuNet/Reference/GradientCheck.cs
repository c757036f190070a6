using GpuNet.Backends;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Reference;

/// <summary>The outcome for one parameter tensor: the normwise relative error of the backend's gradient.</summary>
public sealed record TensorGradientError(string Name, int Count, double MaxAbsoluteError, double MaxGradient, double RelativeError);

/// <summary>
/// Checks a backend's analytic gradients (float32: forward, fused loss, backward) against
/// centred finite differences (L(θ + h) − L(θ − h)) / 2h of the float64 <see cref="ReferenceModel"/>,
/// on a small random batch. The error of a tensor is max|analytic − numeric| / max|numeric|:
/// normwise, so an element whose true gradient is almost zero cannot blow it up. With <c>dropout</c> both sides
/// use the same fixed mask: the loss is then a smooth function of the parameters that differences can check.
/// </summary>
public static class GradientCheck
{
    /// <summary>Float32 gradients agree with float64 differences to about 1e-6; a wrong backward is off by O(1).</summary>
    public const double DefaultThreshold = 1e-3;

    /// <param name="classWeights">When given, the class-weighted loss (one weight per class; see <see cref="LossWeights"/>).</param>
    public static IReadOnlyList<TensorGradientError> Run(IBackend backend, ModelSpec spec, int rows = 8, int seed = 1, double step = 1e-5, DropoutStep? dropout = null,
        float[]? classWeights = null)
    {
        var (x, labels) = RandomBatch(spec, rows, seed);
        using var network = new Network(backend, spec, rows);
        network.Initialise(InitScheme.Xavier, seed);
        using var xBuffer = backend.Allocate<float>(x.Length);
        using var yBuffer = backend.Allocate<int>(rows);
        using var stats = new LossStats(backend, rows);
        backend.Upload<float>(x, xBuffer);
        backend.Upload<int>(labels, yBuffer);
        network.Forward(xBuffer, rows, dropout);
        using var weightBuffer = classWeights is null ? null : backend.Allocate<float>(classWeights.Length);
        LossWeights? weights = null;
        if (classWeights is not null)
        {
            backend.Upload<float>(classWeights, weightBuffer!);
            weights = new LossWeights(weightBuffer!, (float)(1 / labels.Sum(y => (double)classWeights[y])));
        }
        network.Loss(yBuffer, rows, stats.Buffer, withGradient: true, weights);
        network.Backward(xBuffer, rows, dropout);
        var analytic = network.ExportGradients();
        var parameters = network.ExportParameters().Select(t => t.Data.Select(v => (double)v).ToArray()).ToList();
        var xd = x.Select(v => (double)v).ToArray();
        var referenceWeights = classWeights?.Select(w => (double)w).ToArray();

        var results = new List<TensorGradientError>();
        for (int t = 0; t < parameters.Count; t++)
        {
            var p = parameters[t];
            double maxError = 0, maxGradient = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double saved = p[i];
                p[i] = saved + step;
                double plus = ReferenceModel.Loss(spec, parameters, xd, labels, rows, dropout, referenceWeights);
                p[i] = saved - step;
                double minus = ReferenceModel.Loss(spec, parameters, xd, labels, rows, dropout, referenceWeights);
                p[i] = saved;
                double numeric = (plus - minus) / (2 * step);
                maxError = Math.Max(maxError, Math.Abs(analytic[t].Data[i] - numeric));
                maxGradient = Math.Max(maxGradient, Math.Abs(numeric));
            }
            results.Add(new TensorGradientError(analytic[t].Name, p.Length, maxError, maxGradient, maxError / Math.Max(maxGradient, 1e-12)));
        }
        return results;
    }

    /// <summary>Inputs uniform in [−1, 1] and labels covering every class, reproducible from the seed.</summary>
    private static (float[] X, int[] Labels) RandomBatch(ModelSpec spec, int rows, int seed)
    {
        ulong stream = CounterRandom.Hash((ulong)(uint)seed, 0xBA7C4UL);
        var x = new float[rows * spec.Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = 2 * CounterRandom.Uniform(stream, (ulong)i) - 1;
        var labels = Enumerable.Range(0, rows).Select(r => r % spec.Classes).ToArray();
        return (x, labels);
    }
}
