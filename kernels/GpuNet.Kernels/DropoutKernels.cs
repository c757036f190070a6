using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Scalars of one dropout launch: the mask's stream, the drop probability and 1 / (1 − p).</summary>
public struct DropoutKernelParams
{
    public ulong Seed;
    public float Probability, Scale;
}

/// <summary>
/// Which elements dropout keeps: element i of stream <c>seed</c> survives when its counter-based
/// uniform is at least p. It depends only on (seed, i), so every device, the CPU backend and the
/// float64 reference draw the same mask, and backward regenerates it instead of storing it.
/// </summary>
public static class DropoutMask
{
    public static bool Keeps(ulong seed, int element, float probability) =>
        CounterRandom.Uniform(seed, (ulong)element) >= probability;
}

/// <summary>Inverted dropout, one thread per element.</summary>
public static class DropoutKernels
{
    /// <summary>output[i] = keep(i) ? input[i]·scale : 0. Forward applies it to activations, backward to their gradient.</summary>
    public static void Dropout(Index1D index, ArrayView<float> input, ArrayView<float> output, DropoutKernelParams p)
    {
        int i = index.X;
        output[i] = DropoutMask.Keeps(p.Seed, i, p.Probability) ? input[i] * p.Scale : 0f;
    }
}
