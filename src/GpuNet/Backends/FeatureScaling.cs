namespace GpuNet.Backends;

/// <summary>
/// How a gather turns stored feature values into the float32 batch (see <see cref="IBackend.GatherRows(DeviceBuffer{byte}, int, FeatureScaling?, DeviceBuffer{int}, int, int, DeviceBuffer{float})"/>):
/// x' = x / <see cref="Divisor"/>, then, with <see cref="Mean"/> and <see cref="Scale"/> [cols] on the same device,
/// (x' − Mean[c]) / Scale[c] (the z-score of <c>Standardization</c>). Null scaling means x' = x.
/// A dataset on a device holds one, so a training step builds nothing.
/// </summary>
public sealed class FeatureScaling
{
    public FeatureScaling(float divisor, DeviceBuffer<float>? mean = null, DeviceBuffer<float>? scale = null)
    {
        if (!(divisor > 0) || float.IsInfinity(divisor))
            throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "the divisor must be a positive number");
        if ((mean is null) != (scale is null))
            throw new ArgumentException("standardising needs both the mean and the scale", nameof(mean));
        if (mean is not null && mean.Length != scale!.Length)
            throw new ArgumentException($"{mean.Length} means for {scale.Length} scales", nameof(scale));
        Divisor = divisor;
        Mean = mean;
        Scale = scale;
    }

    public float Divisor { get; }
    public DeviceBuffer<float>? Mean { get; }
    public DeviceBuffer<float>? Scale { get; }
    public bool Standardizes => Mean is not null;

    /// <summary>Throws unless the mean and scale (when given) cover <paramref name="cols"/> columns.</summary>
    public static void Check(FeatureScaling? scaling, int cols)
    {
        if (scaling?.Mean is { } mean && mean.Length < cols)
            throw new ArgumentException($"standardising {cols} columns with {mean.Length} means and scales", nameof(scaling));
    }
}
