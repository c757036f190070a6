using GpuNet.Backends;
using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>The gather's conversion of a set's stored values on one device: the byte divisor and the standardisation's buffers.</summary>
internal sealed class DeviceScaling : IDisposable
{
    private readonly DeviceBuffer<float>? _mean, _scale;

    public DeviceScaling(IBackend backend, Dataset data, Standardization? standardization)
    {
        if (standardization is not null && standardization.FeatureCount != data.FeatureCount)
            throw new ArgumentException($"a standardisation of {standardization.FeatureCount} features for {data.FeatureCount}", nameof(standardization));
        if (standardization is not null)
        {
            _mean = backend.Adopt((float[])standardization.Mean.Clone());
            _scale = backend.Adopt((float[])standardization.Scale.Clone());
        }
        Scaling = !data.StoresBytes && _mean is null ? null : new FeatureScaling(data.ByteDivisor, _mean, _scale);
    }

    /// <summary>How the gather turns stored values into features; null when they are float32 used as stored.</summary>
    public FeatureScaling? Scaling { get; }

    public void Dispose()
    {
        _mean?.Dispose();
        _scale?.Dispose();
    }
}
