namespace GpuNet.Kernels;

/// <summary>
/// Counter-based random numbers: value i of a stream depends only on (seed, i), never on
/// the order in which values are drawn. The ILGPU kernels and the managed CPU backend call
/// these same functions, so a seeded initialisation is identical on every device (up to
/// the last bit of log/cos in Box–Muller) and needs no per-thread generator state.
/// </summary>
public static class CounterRandom
{
    /// <summary>SplitMix64's finaliser over seed and counter: a well-mixed 64-bit hash.</summary>
    public static ulong Hash(ulong seed, ulong counter)
    {
        ulong z = seed + (counter + 1UL) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Uniform in (0, 1]: 24 random bits, centred in their bucket, so u &gt; 0 and log(u) is finite.
    /// Not open at 1: above 2^23 a bucket's centre is not a float32, and the top bucket's rounds to
    /// exactly 1 (a test pins both ends). Box–Muller takes log(u), for which 1 is harmless.
    /// </summary>
    public static float Uniform(ulong seed, ulong counter) =>
        ((uint)(Hash(seed, counter) >> 40) + 0.5f) * (1.0f / 16777216.0f);

    /// <summary>Element <paramref name="i"/> of a U(low, high) initialisation: low + (high − low)·U(seed, i).</summary>
    public static float UniformIn(ulong seed, ulong i, float low, float high) =>
        low + (high - low) * Uniform(seed, i);

    /// <summary>
    /// Element <paramref name="i"/> of a N(mean, std²) initialisation by Box–Muller:
    /// mean + std·sqrt(−2 ln u1)·cos(2π u2), u1 = U(seed, 2i), u2 = U(seed, 2i + 1). u1 &gt; 0, so the log is finite.
    /// MathF inside a kernel becomes the device's own function (ILGPU.Algorithms maps it as it maps XMath).
    /// </summary>
    public static float Normal(ulong seed, ulong i, float mean, float std)
    {
        float u1 = Uniform(seed, 2UL * i);
        float u2 = Uniform(seed, 2UL * i + 1UL);
        return mean + std * MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2);
    }
}
