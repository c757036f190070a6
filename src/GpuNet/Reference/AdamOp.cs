using GpuNet.Backends;

namespace GpuNet.Reference;

/// <summary>One case of the Adam op: a flat parameter buffer of <paramref name="Count"/> elements and the settings of three consecutive steps.</summary>
/// <param name="GradScale">Clipping's factor, handed to the op in a one-element device buffer (none when 1).</param>
/// <param name="FirstStep">The step number of the first of the three steps: 1 starts from zero moments (bias correction
/// at its strongest), a later one starts from random moments, as in the middle of a run.</param>
public sealed record AdamCase(int Count, bool Decoupled, float WeightDecay, float GradScale, long FirstStep)
{
    public override string ToString() =>
        $"{(Decoupled ? "adamw" : "adam")} {Count} wd={WeightDecay} scale={GradScale} from step {FirstStep}";
}

/// <summary>
/// The Adam/AdamW op (<see cref="IBackend.AdamUpdate"/>), declared once: its awkward sizes, its float64
/// reference (<see cref="ReferenceOps.AdamUpdate"/>) and its bound (<see cref="ErrorBound.Float32Op"/> elementwise).
/// The backend contract tests run every case on every device and <c>gpunet selftest</c> on the device it is given.
/// </summary>
public static class AdamOp
{
    public const float LearningRate = 1e-2f, Eps = 1e-8f;
    public const double Beta1 = 0.9, Beta2 = 0.999;

    /// <summary>Sizes that are no multiple of a vector or a group (1, 7, 33, 129, 1031), both decays, clipping, and a late step.</summary>
    public static IReadOnlyList<AdamCase> Cases { get; } =
    [
        new(1, Decoupled: false, WeightDecay: 0f, GradScale: 1f, FirstStep: 1),
        new(33 * 7 + 7, Decoupled: false, WeightDecay: 0.1f, GradScale: 1f, FirstStep: 1),
        new(129 + 33, Decoupled: true, WeightDecay: 0.05f, GradScale: 1f, FirstStep: 1),
        new(1031 + 129, Decoupled: true, WeightDecay: 0.01f, GradScale: 0.25f, FirstStep: 1000),
        new(7, Decoupled: false, WeightDecay: 0.01f, GradScale: 0.5f, FirstStep: 3),
    ];

    /// <summary>
    /// Three steps of <paramref name="c"/> on <paramref name="backend"/> from seeded random inputs, each tensor at an
    /// odd offset into a NaN-filled buffer, beside the float64 reference: weights, biases and all four moment buffers
    /// must agree, and the elements around each tensor must stay NaN.
    /// </summary>
    public static OpCheck Check(IBackend backend, AdamCase c)
    {
        var rng = new Random(CaseSeed.Of(c.Count, CaseSeed.Flag(c.Decoupled), (int)c.FirstStep));
        using var tensor = new Tensor(backend, rng, c.Count, c.FirstStep > 1);
        using var scale = c.GradScale == 1f ? null : backend.Allocate<float>(1);
        if (scale is not null) backend.Upload<float>([c.GradScale], scale);
        for (long t = c.FirstStep; t < c.FirstStep + 3; t++)
        {
            var adam = new AdamParams(LearningRate, Beta1, Beta2, Eps, c.WeightDecay, c.Decoupled, t);
            tensor.NewGradient(backend, rng, adam, c.GradScale);
            backend.AdamUpdate(tensor.Parameters.View, tensor.Gradients.View, tensor.ExpAvg.View, tensor.ExpAvgSq.View, c.Count, adam, scale);
        }
        var worst = new OpCheck(0, "");
        foreach (var (buffer, want, what) in new[] { (tensor.Parameters, tensor.WantW, "parameters"), (tensor.ExpAvg, tensor.WantM, "exp_avg"), (tensor.ExpAvgSq, tensor.WantV, "exp_avg_sq") })
        {
            var check = Compare(backend, buffer, want, what);
            if (check.WorstRatio > worst.WorstRatio) worst = check;
        }
        return worst;
    }

    private static OpCheck Compare(IBackend backend, PlacedBuffer buffer, double[] want, string what)
    {
        var inside = buffer.Read(backend, out string? outside);
        if (outside is not null)
            return new OpCheck(double.PositiveInfinity, $"{what}: {outside}");
        double ratio = ErrorBound.Float32Op.WorstRatio(inside, want, ErrorBound.ElementScale(want));
        int worst = 0;
        for (int i = 0; i < want.Length; i++)
            if (!(Math.Abs(inside[i] - want[i]) <= Math.Abs(inside[worst] - want[worst]))) worst = i;
        return new OpCheck(ratio, $"{what}[{worst}] = {inside[worst]:R}, reference {want[worst]:R}");
    }

    /// <summary>One flat parameter buffer on the device with its gradient and moments, and its float64 twin.</summary>
    private sealed class Tensor : IDisposable
    {
        public Tensor(IBackend backend, Random rng, int n, bool midRun)
        {
            var w = Random(rng, n, 1);
            var m = midRun ? Random(rng, n, 0.1) : new float[n];
            var v = midRun ? Array.ConvertAll(Random(rng, n, 0.1), x => x * x) : new float[n];
            (Parameters, ExpAvg, ExpAvgSq, Gradients) = (new PlacedBuffer(backend, w), new PlacedBuffer(backend, m), new PlacedBuffer(backend, v), new PlacedBuffer(backend, new float[n]));
            (WantW, WantM, WantV) = (ToDouble(w), ToDouble(m), ToDouble(v));
        }

        public PlacedBuffer Parameters { get; }
        public PlacedBuffer Gradients { get; }
        public PlacedBuffer ExpAvg { get; }
        public PlacedBuffer ExpAvgSq { get; }
        public double[] WantW { get; }
        public double[] WantM { get; }
        public double[] WantV { get; }

        /// <summary>Uploads a fresh gradient and takes the reference's step with it.</summary>
        public void NewGradient(IBackend backend, Random rng, in AdamParams adam, double gradScale)
        {
            var g = Random(rng, WantW.Length, 1);
            backend.Upload<float>(g, Gradients.View);
            ReferenceOps.AdamUpdate(WantW, ToDouble(g), WantM, WantV, WantW.Length, adam, gradScale);
        }

        public void Dispose()
        {
            Parameters.Dispose();
            Gradients.Dispose();
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
        }
    }

    private static float[] Random(Random rng, int n, double magnitude)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * magnitude);
        return x;
    }

    private static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);
}
