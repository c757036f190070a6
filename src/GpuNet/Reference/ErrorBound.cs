namespace GpuNet.Reference;

/// <summary>
/// The error bound of a check against the float64 reference, one helper for the tests and for
/// <c>selftest</c>: an element passes when |got − want| ≤ Relative·scale + Absolute, scale being
/// the size of the terms that made it (Σ|a·b| + |beta·c| for GEMM, max(1, |want|) elementwise).
/// </summary>
public readonly record struct ErrorBound(double Relative, double Absolute)
{
    /// <summary>One float32 op: a few units in the last place of the terms behind each element.</summary>
    public static ErrorBound Float32Op { get; } = new(1e-5, 1e-7);

    /// <summary>A few SGD steps of a small network in float32, each step's rounding carried into the next.</summary>
    public static ErrorBound TrainingSteps { get; } = new(1e-4, 0);

    public double At(double scale) => Relative * scale + Absolute;

    /// <summary>Largest |got − want| / bound over the elements; NaN counts as infinitely wrong. At most 1 passes.</summary>
    public double WorstRatio(ReadOnlySpan<float> got, ReadOnlySpan<double> want, ReadOnlySpan<double> scale)
    {
        if (got.Length != want.Length || scale.Length != want.Length)
            throw new ArgumentException($"{got.Length} results for {want.Length} reference values and {scale.Length} scales");
        double worst = 0;
        for (int i = 0; i < got.Length; i++)
        {
            double ratio = Math.Abs(got[i] - want[i]) / At(scale[i]);
            if (!(ratio <= worst))
                worst = double.IsNaN(ratio) ? double.PositiveInfinity : ratio;
        }
        return worst;
    }

    /// <summary>The elementwise scale: max(1, |want|).</summary>
    public static double[] ElementScale(ReadOnlySpan<double> want)
    {
        var scale = new double[want.Length];
        for (int i = 0; i < want.Length; i++)
            scale[i] = Math.Max(1, Math.Abs(want[i]));
        return scale;
    }
}
