using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// Parameter initialisation from <see cref="CounterRandom"/>: element i depends only on
/// (seed, i), so the device fills in any order and matches the managed CPU backend.
/// </summary>
public static class RandomKernels
{
    /// <summary>buffer[i] = <see cref="CounterRandom.UniformIn"/>(seed, i, low, high).</summary>
    public static void Uniform(Index1D index, ArrayView<float> buffer, float low, float high, ulong seed) =>
        buffer[index.X] = CounterRandom.UniformIn(seed, (ulong)index.X, low, high);

    /// <summary>buffer[i] = <see cref="CounterRandom.Normal"/>(seed, i, mean, std), Box–Muller.</summary>
    public static void Normal(Index1D index, ArrayView<float> buffer, float mean, float std, ulong seed) =>
        buffer[index.X] = CounterRandom.Normal(seed, (ulong)index.X, mean, std);
}
