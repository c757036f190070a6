namespace GpuNet.Data;

/// <summary>
/// The largest |x| of some values, as the messages that refuse data too large for float32 arithmetic report it
/// (training's first step, an evaluation split's bad row, a row the classifier cannot score).
/// </summary>
public static class Magnitude
{
    /// <summary>0 for no values; NaN when any value is NaN (<see cref="Math.Max(float, float)"/> keeps it), so a NaN is not reported as a size.</summary>
    public static float Largest(ReadOnlySpan<float> values)
    {
        float largest = 0;
        foreach (float v in values) largest = Math.Max(largest, Math.Abs(v));
        return largest;
    }
}
