using System.Text.Json;
using GpuNet.Distributed;

namespace GpuNet.Cli.Commands;

/// <summary>
/// Under mpirun every rank trains its own share of a sweep's models; this brings every rank's rows to rank 0,
/// which writes the results. One broadcast per rank, of that rank's rows as JSON (a sweep's rows are small).
/// </summary>
internal static class SweepGather
{
    /// <summary>Replaces rank 0's copy of each model's row with the row of the rank that trained it; every rank must call it.</summary>
    public static void ToRankZero(ICollective collective, SweepResults results, Func<int, int> rankOf)
    {
        if (collective.Size == 1) return;
        for (int root = 0; root < collective.Size; root++)
        {
            byte[] mine = collective.Rank == root
                ? JsonSerializer.SerializeToUtf8Bytes(results.Models.Where((_, i) => rankOf(i) == root).ToList(), SweepResults.Json)
                : [];
            Span<double> length = [mine.Length];
            collective.AllReduce(length, ReduceOp.Max); // only the root's is non-zero
            var bytes = collective.Rank == root ? mine : new byte[(int)length[0]];
            collective.Broadcast(bytes, root);
            if (collective.Rank != 0 || root == 0) continue;
            foreach (var row in JsonSerializer.Deserialize<List<SweepRow>>(bytes, SweepResults.Json)!)
            {
                var target = results.Models.Single(m => m.Name == row.Name);
                target.Status = row.Status;
                target.Failure = row.Failure;
                target.History.Clear();
                target.History.AddRange(row.History);
            }
        }
    }
}
