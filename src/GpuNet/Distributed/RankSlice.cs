namespace GpuNet.Distributed;

/// <summary>
/// The contiguous part of a global batch that one rank trains on: the first <c>rows % ranks</c> ranks get one
/// row more than the rest, so slices differ by at most one row and cover the batch in rank order. A rank's
/// slice is empty when the batch has fewer rows than there are ranks (a short last batch).
/// </summary>
public readonly record struct RankSlice(int Start, int Rows)
{
    public static RankSlice Of(int rows, int rank, int ranks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, ranks);
        int share = rows / ranks, extra = rows % ranks;
        return new RankSlice(rank * share + Math.Min(rank, extra), share + (rank < extra ? 1 : 0));
    }
}
