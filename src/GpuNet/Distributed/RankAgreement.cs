using System.Security.Cryptography;
using System.Text;

namespace GpuNet.Distributed;

/// <summary>
/// Ranks agree on what they run. Under <c>mpirun</c> each rank parses its own command line, and an MPMD launch
/// (<c>mpirun -np 1 gpunet train --lr 0.1 : -np 1 gpunet train --lr 0.2</c>) gives them different ones: each would train
/// its own model while averaging gradients with the others. Every rank hashes its settings, and one all-reduce of the
/// hash's largest and smallest value over the ranks tells whether they are all the same.
/// </summary>
public static class RankAgreement
{
    /// <summary>A <see cref="UsageException"/> on every rank when <paramref name="settings"/> differs between ranks.</summary>
    /// <param name="settings">The settings that must agree, as text (the same text for the same settings on every rank).</param>
    /// <param name="what">What they are, for the message ("options").</param>
    public static void RequireSame(this ICollective collective, string settings, string what)
    {
        if (collective.Size == 1) return;
        double hash = Hash(settings);
        Span<double> extremes = [hash, -hash]; // Max of both: the largest hash and minus the smallest
        collective.AllReduce(extremes, ReduceOp.Max);
        if (extremes[0] != -extremes[1])
            throw new UsageException($"rank {collective.Rank} of {collective.Size}: the ranks were started with different {what}; every rank of one run must be given the same (an MPMD mpirun command line with ':' gives each part its own)");
    }

    /// <summary>The first 52 bits of the settings' SHA-256, exact as a double.</summary>
    private static double Hash(string settings) =>
        BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(settings))) >> 12;
}
