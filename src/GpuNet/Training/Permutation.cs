using GpuNet.Kernels;

namespace GpuNet.Training;

/// <summary>
/// The order in which an epoch visits the training rows. Derived from (seed, epoch) alone, so
/// a resumed run replays exactly the order the uninterrupted run would have used.
/// </summary>
public static class Permutation
{
    /// <summary>The part of a streamed epoch whose stream orders the chunks (parts 0, 1, … order the rows of each group).</summary>
    public const int ChunkPart = -1;

    /// <summary>
    /// Fills <paramref name="order"/> with 0..n−1, Fisher–Yates shuffled unless <paramref name="shuffle"/> is false.
    /// Each <paramref name="part"/> of an epoch draws its own stream; part 0 is the whole epoch of an in-memory set.
    /// </summary>
    public static void ForEpoch(Span<int> order, int seed, int epoch, bool shuffle, int part = 0)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (!shuffle) return;
        ulong stream = CounterRandom.Hash((ulong)(uint)seed, 0x5EED_0000UL + (ulong)epoch);
        if (part != 0) stream = CounterRandom.Hash(stream, 0xC4C_0000UL + (ulong)(uint)part);
        for (int i = order.Length - 1; i > 0; i--)
        {
            // Lemire's multiply-shift maps 32 random bits onto [0, i] without a modulo.
            uint bits = (uint)(CounterRandom.Hash(stream, (ulong)i) >> 32);
            int j = (int)(((ulong)bits * (ulong)(i + 1)) >> 32);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
