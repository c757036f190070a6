using GpuNet.Kernels;

namespace GpuNet.Training;

/// <summary>
/// The order in which an epoch visits the training rows. Derived from (seed, epoch) alone, so
/// a resumed run replays exactly the order the uninterrupted run would have used.
/// </summary>
public static class Permutation
{
    /// <summary>Fills <paramref name="order"/> with 0..n−1, Fisher–Yates shuffled unless <paramref name="shuffle"/> is false.</summary>
    public static void ForEpoch(Span<int> order, int seed, int epoch, bool shuffle)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (!shuffle) return;
        ulong stream = CounterRandom.Hash((ulong)(uint)seed, 0x5EED_0000UL + (ulong)epoch);
        for (int i = order.Length - 1; i > 0; i--)
        {
            // Lemire's multiply-shift maps 32 random bits onto [0, i] without a modulo.
            uint bits = (uint)(CounterRandom.Hash(stream, (ulong)i) >> 32);
            int j = (int)(((ulong)bits * (ulong)(i + 1)) >> 32);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
