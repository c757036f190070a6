using GpuNet.Backends;

namespace GpuNet.Training;

/// <summary>
/// A training set as the <see cref="Trainer"/> sees it, whether held whole on the device (<see cref="DeviceDataset"/>)
/// or streamed through it in chunks (<see cref="StreamedTrainSet"/>): each epoch an order of its rows, then minibatches
/// gathered on the device by position in that order.
/// </summary>
public interface ITrainSet : IDisposable
{
    int Count { get; }
    int FeatureCount { get; }

    /// <summary>How the set streams; null when it is held whole.</summary>
    StreamPlan? Plan { get; }

    /// <summary>
    /// Starts epoch <paramref name="epoch"/>: writes the row visited at each position into <paramref name="rows"/> and
    /// uploads what <see cref="GatherBatch"/> gathers by into <paramref name="order"/> (one element per row).
    /// </summary>
    void BeginEpoch(int seed, int epoch, bool shuffle, Span<int> rows, DeviceBuffer<int> order);

    /// <summary>Gathers the rows at epoch positions [offset, offset + rows) into a float32 batch and their int32 labels.</summary>
    void GatherBatch(DeviceBuffer<int> order, int offset, int rows, DeviceBuffer<float> batchX, DeviceBuffer<int> batchY);
}
