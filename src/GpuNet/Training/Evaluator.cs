using GpuNet.Nn;

namespace GpuNet.Training;

/// <summary>Mean loss and accuracy of a network over a whole device dataset, in chunks of the network's row capacity.</summary>
public static class Evaluator
{
    public static Score Evaluate(Network network, DeviceDataset data, LossStats stats)
    {
        stats.Reset();
        for (int start = 0; start < data.Count; start += network.MaxRows)
            ChunkLoss(network, data, stats, start);
        return stats.Read(data.Count);
    }

    /// <summary>
    /// The first row of <paramref name="data"/> whose loss is NaN or infinite, or null when there is none:
    /// chunk by chunk, reading each chunk's per-row slots (only called once a loss has turned out non-finite).
    /// </summary>
    public static int? FirstNonFiniteRow(Network network, DeviceDataset data, LossStats stats)
    {
        for (int start = 0; start < data.Count; start += network.MaxRows)
        {
            stats.Reset();
            int rows = ChunkLoss(network, data, stats, start);
            if (stats.FirstNonFiniteSlot(rows) is { } slot) return start + slot;
        }
        return null;
    }

    /// <summary>Forward and loss (no gradient) of the chunk at <paramref name="start"/>, added to the per-row slots; returns its rows.</summary>
    private static int ChunkLoss(Network network, DeviceDataset data, LossStats stats, int start)
    {
        int rows = Math.Min(network.MaxRows, data.Count - start);
        network.Forward(data.Chunk(start, rows), rows);
        network.Loss(data.Labels.Slice(start, rows), rows, stats.Buffer, withGradient: false);
        return rows;
    }
}
