using GpuNet.Data;
using GpuNet.Distributed;
using GpuNet.Nn;

namespace GpuNet.Training;

/// <summary>
/// Mean loss and accuracy of a network over a whole device dataset, in chunks of the network's row capacity.
/// Over several ranks each evaluates its contiguous share of the rows (<see cref="RankSlice"/>) and the sums are reduced.
/// </summary>
public static class Evaluator
{
    public static Score Evaluate(Network network, DeviceDataset data, LossStats stats, ICollective? collective = null)
    {
        collective ??= SingleProcess.Instance;
        var share = RankSlice.Of(data.Count, collective.Rank, collective.Size);
        stats.Reset();
        foreach (var (start, rows) in network.Chunks(share.Start, share.Rows))
            ScoreChunk(network, data, start, rows, stats);
        return stats.Read(data.Count, collective);
    }

    /// <summary>
    /// <see cref="Evaluate"/> after training epoch <paramref name="epoch"/> of <paramref name="stepsPerEpoch"/> steps, checked:
    /// a non-finite loss is the data's doing when the weights are finite and not exploded (see
    /// <see cref="ExplosionWatch.WeightLimit"/>), an <see cref="EvaluationDataException"/> naming the split and its first
    /// bad row; otherwise the weights diverged (<see cref="DivergedException"/>).
    /// </summary>
    public static Score Checked(Network network, DeviceDataset data, LossStats stats, int epoch, int stepsPerEpoch, string split, ICollective? collective = null)
    {
        var score = Evaluate(network, data, stats, collective);
        if (double.IsFinite(score.Loss)) return score;
        if (ExplosionWatch.LargestWeight(network) <= ExplosionWatch.WeightLimit && FirstNonFiniteRow(network, data, stats, collective) is { } row)
            throw new EvaluationDataException(split, row, Magnitude.Largest(data.ReadRow(row)), epoch, score.Loss);
        throw new DivergedException(epoch, stepsPerEpoch, $"the {split} loss is {score.Loss}");
    }

    /// <summary>
    /// The first row of <paramref name="data"/> whose loss is NaN or infinite, or null when there is none:
    /// chunk by chunk, reading each chunk's per-row slots (only called once a loss has turned out non-finite).
    /// Over several ranks each searches its share and the first row of any rank wins.
    /// </summary>
    public static int? FirstNonFiniteRow(Network network, DeviceDataset data, LossStats stats, ICollective? collective = null)
    {
        collective ??= SingleProcess.Instance;
        var share = RankSlice.Of(data.Count, collective.Rank, collective.Size);
        return collective.FirstAcrossRanks(FirstNonFiniteRow(network, data, stats, share));
    }

    private static int? FirstNonFiniteRow(Network network, DeviceDataset data, LossStats stats, RankSlice share)
    {
        foreach (var (start, rows) in network.Chunks(share.Start, share.Rows))
        {
            stats.Reset();
            ScoreChunk(network, data, start, rows, stats);
            if (stats.FirstNonFiniteSlot(rows) is { } slot) return start + slot;
        }
        return null;
    }

    /// <summary>Forward and loss (no gradient) of rows [start, start + rows), accumulated into the stats' per-row slots.</summary>
    private static void ScoreChunk(Network network, DeviceDataset data, int start, int rows, LossStats stats)
    {
        network.Forward(data.Chunk(start, rows), rows);
        network.Loss(data.ChunkLabels(start, rows), rows, stats.Buffer, withGradient: false);
    }
}
