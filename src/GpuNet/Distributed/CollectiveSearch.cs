namespace GpuNet.Distributed;

/// <summary>Searches whose answer is the first hit of any rank: a step or a row where something went wrong.</summary>
public static class CollectiveSearch
{
    /// <summary>The smallest of every rank's <paramref name="local"/> (null for none found), the same on every rank; a collective call only over several ranks.</summary>
    public static int? FirstAcrossRanks(this ICollective collective, int? local)
    {
        if (collective.Size == 1) return local;
        Span<double> first = [local ?? double.PositiveInfinity];
        collective.AllReduce(first, ReduceOp.Min);
        return double.IsFinite(first[0]) ? (int)first[0] : null;
    }
}
