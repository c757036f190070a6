using GpuNet.Nn;

namespace GpuNet.Training;

/// <summary>Mean loss and accuracy of a network over a whole device dataset, in chunks of the network's row capacity.</summary>
public static class Evaluator
{
    public static Score Evaluate(Network network, DeviceDataset data, LossStats stats)
    {
        stats.Reset();
        foreach (var (start, rows) in network.Chunks(data.Count))
            ScoreChunk(network, data, start, rows, stats);
        return stats.Read(data.Count);
    }

    /// <summary>
    /// The first row of <paramref name="data"/> whose loss is NaN or infinite, or null when there is none:
    /// chunk by chunk, reading each chunk's per-row slots (only called once a loss has turned out non-finite).
    /// </summary>
    public static int? FirstNonFiniteRow(Network network, DeviceDataset data, LossStats stats)
    {
        foreach (var (start, rows) in network.Chunks(data.Count))
        {
            stats.Reset();
            ScoreChunk(network, data, start, rows, stats);
            if (stats.FirstNonFiniteSlot(rows) is { } slot) return start + slot;
        }
        return null;
    }

    /// <summary>Forward and loss (no gradient) of rows [start, start + rows), accumulated into the stats' per-row slots.</summary>
    public static void ScoreChunk(Network network, DeviceDataset data, int start, int rows, LossStats stats)
    {
        network.Forward(data.Features.Slice(start * data.FeatureCount, rows * data.FeatureCount), rows);
        network.Loss(data.Labels.Slice(start, rows), rows, stats.Buffer, withGradient: false);
    }
}
