using ILGPU;
using ILGPU.Algorithms;

namespace GpuNet.Kernels;

/// <summary>
/// Parameter initialisation from <see cref="CounterRandom"/>: element i depends only on
/// (seed, i), so the device fills in any order and matches the managed CPU backend.
/// </summary>
public static class RandomKernels
{
    /// <summary>buffer[i] = low + (high − low)·U(seed, i).</summary>
    public static void Uniform(Index1D index, ArrayView<float> buffer, float low, float high, ulong seed)
    {
        int i = index.X;
        buffer[i] = low + (high - low) * CounterRandom.Uniform(seed, (ulong)i);
    }

    /// <summary>Box–Muller: mean + std·sqrt(−2 ln u1)·cos(2π u2), u1 = U(seed, 2i), u2 = U(seed, 2i + 1).</summary>
    public static void Normal(Index1D index, ArrayView<float> buffer, float mean, float std, ulong seed)
    {
        int i = index.X;
        float u1 = CounterRandom.Uniform(seed, 2UL * (ulong)i);
        float u2 = CounterRandom.Uniform(seed, 2UL * (ulong)i + 1UL);
        // u1 ∈ (0, 1) strictly, so the log is finite.
        buffer[i] = mean + std * XMath.Sqrt(-2f * XMath.Log(u1)) * XMath.Cos(2f * XMath.PI * u2);
    }
}
