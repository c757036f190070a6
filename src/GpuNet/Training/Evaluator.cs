using GpuNet.Nn;

namespace GpuNet.Training;

/// <summary>Mean loss and accuracy of a network over a whole device dataset, in chunks of the network's row capacity.</summary>
public static class Evaluator
{
    public static Score Evaluate(Network network, DeviceDataset data, LossStats stats)
    {
        stats.Reset();
        int features = data.FeatureCount;
        for (int start = 0; start < data.Count; start += network.MaxRows)
        {
            int rows = Math.Min(network.MaxRows, data.Count - start);
            network.Forward(data.Features.Slice(start * features, rows * features), rows);
            network.Loss(data.Labels.Slice(start, rows), rows, stats.Buffer, withGradient: false);
        }
        return stats.Read(data.Count);
    }
}
