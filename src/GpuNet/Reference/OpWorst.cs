namespace GpuNet.Reference;

/// <summary>
/// The worst element of an op check over several outputs: an element with a scale above 0 passes within
/// <see cref="ErrorBound.Float32Op"/> of that scale; an element with scale 0 must keep exactly its value (an element the
/// op must not touch, NaN included).
/// </summary>
internal sealed class OpWorst
{
    private OpCheck _worst = new(0, "");

    public OpCheck Result => _worst;

    public void Add(string what, PlacedBuffer buffer, Backends.IBackend backend, double[] want, double[] scale)
    {
        var got = buffer.Read(backend, out string? outside);
        if (outside is not null)
            Fail($"{what}: {outside}");
        else
            Add(what, got, want, scale);
    }

    public void Add(string what, ReadOnlySpan<float> got, double[] want, double[] scale)
    {
        for (int i = 0; i < want.Length; i++)
        {
            double ratio = scale[i] == 0
                ? (got[i].Equals((float)want[i]) ? 0 : double.PositiveInfinity)
                : Math.Abs(got[i] - want[i]) / ErrorBound.Float32Op.At(scale[i]);
            if (double.IsNaN(ratio)) ratio = double.PositiveInfinity;
            if (ratio > _worst.WorstRatio || _worst.Worst.Length == 0)
                _worst = new OpCheck(ratio, $"{what}[{i}] = {got[i]:R}, reference {want[i]:R}{(scale[i] == 0 ? " (untouched)" : "")}");
        }
    }

    public void Fail(string message)
    {
        if (!double.IsPositiveInfinity(_worst.WorstRatio))
            _worst = new OpCheck(double.PositiveInfinity, message);
    }
}
