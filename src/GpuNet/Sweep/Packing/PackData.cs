using GpuNet.Backends;
using GpuNet.Training;

namespace GpuNet.Sweep.Packing;

/// <summary>A packed sweep's data on the device, held once for every pack: the training set, its order and batch, and the evaluation sets.</summary>
internal sealed class PackData : IDisposable
{
    public PackData(IBackend backend, PreparedData data, int evalRows, int batchSize)
    {
        var train = data.Data.Train;
        Labels = train.Labels;
        Train = new DeviceDataset(backend, train, batchSize, data.Standardization);
        Validation = data.Validation is { Count: > 0 } v ? new DeviceDataset(backend, v, evalRows, data.Standardization) : null;
        Test = new DeviceDataset(backend, data.Data.Test, evalRows, data.Standardization);
        HostOrder = new int[train.Count];
        Order = backend.Allocate<int>(train.Count);
        BatchX = backend.Allocate<float>(checked(batchSize * train.FeatureCount));
        BatchY = backend.Allocate<int>(batchSize);
        EvalStats = new LossStats(backend, evalRows);
    }

    public Data.ClassLabels Labels { get; }
    public DeviceDataset Train { get; }
    public DeviceDataset? Validation { get; }
    public DeviceDataset Test { get; }

    /// <summary>The training row at each position of the current epoch.</summary>
    public int[] HostOrder { get; }
    public DeviceBuffer<int> Order { get; }
    public DeviceBuffer<float> BatchX { get; }
    public DeviceBuffer<int> BatchY { get; }
    public LossStats EvalStats { get; }

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
        Test.Dispose();
        Order.Dispose();
        BatchX.Dispose();
        BatchY.Dispose();
        EvalStats.Dispose();
    }
}
