using GpuNet.Backends;
using GpuNet.Data;

namespace GpuNet.Training;

/// <summary>A dataset uploaded once to a backend: features [Count, FeatureCount] and labels [Count].</summary>
public sealed class DeviceDataset : IDisposable
{
    public DeviceDataset(IBackend backend, Dataset data)
    {
        Host = data;
        Count = data.Count;
        FeatureCount = data.FeatureCount;
        // A zero-length buffer is legal but useless; keep one element so slicing stays simple.
        Features = backend.Allocate<float>(Math.Max(1, data.Features.Length));
        Labels = backend.Allocate<int>(Math.Max(1, data.Count));
        backend.Upload<float>(data.Features, Features);
        backend.Upload<int>(data.Labels, Labels);
    }

    /// <summary>The host rows it was uploaded from (the same arrays: no copy).</summary>
    public Dataset Host { get; }
    public int Count { get; }
    public int FeatureCount { get; }
    public DeviceBuffer<float> Features { get; }
    public DeviceBuffer<int> Labels { get; }

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
