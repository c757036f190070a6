using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Scalar arguments of <see cref="GemmSplitK.Reduce"/>.</summary>
public struct GemmSplitKParams
{
    /// <summary>M·N: elements of one plane of C.</summary>
    public int Plane;
    public int Splits;
    public long StrideC;
    public float Alpha, Beta;
    /// <summary>C's columns, and the epilogue applied to each summed element (see <see cref="GemmParams.Epilogue"/>).</summary>
    public int N, Epilogue, EpilogueActivation;
    public long StrideE;
}

/// <summary>
/// The second pass of split-K GEMM: C = alpha·Σₛ partialₛ + beta·C, where the split-K
/// launch of <see cref="GemmDoubleBuffered128"/> wrote plane b·Splits + s of the workspace for
/// batch b and split s. Each thread sums its element's planes in order s = 0, 1, …: the result
/// is the same bits on every run (no atomics, which PoCL lacks and which would not be deterministic).
/// </summary>
public static class GemmSplitK
{
    /// <summary>
    /// One thread per element of C over all batches (batch·M·N threads). The GEMM's epilogue (bias + activation, or the
    /// activation's backward) is applied here, once per summed element; the row sums ran beside the split launch.
    /// </summary>
    public static void Reduce(Index1D index, ArrayView<float> partials, ArrayView<float> c, ArrayView<float> e, GemmSplitKParams p)
    {
        int batch = index.X / p.Plane;
        int element = index.X - batch * p.Plane;
        long plane = (long)batch * p.Splits * p.Plane + element;
        float sum = 0f;
        for (int s = 0; s < p.Splits; s++)
        {
            sum += partials[plane];
            plane += p.Plane;
        }
        long target = batch * p.StrideC + element;
        float v = p.Beta == 0f ? p.Alpha * sum : p.Alpha * sum + p.Beta * c[target];
        c[target] = default(FusedStore).Apply(e, batch * p.StrideE, p.Epilogue, p.EpilogueActivation, element, element % p.N, v);
    }
}
