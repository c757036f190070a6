using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// Rung 0 of the GEMM ladder: one thread per element of C, reading A and B straight from
/// global memory. No shared memory and no barriers, which makes it the right default on
/// ILGPU's CPU accelerator (where every barrier round costs milliseconds) and the
/// reference the faster rungs are checked against.
/// </summary>
public static class GemmNaive
{
    /// <summary>
    /// Flat index over batch·M·N with j fastest, so neighbouring threads write (and, for
    /// non-transposed B, read) neighbouring addresses. A flat 1D launch keeps every grid
    /// dimension within device limits whatever M and the batch count are. With
    /// <see cref="GemmEpilogueKind.RowSums"/> the host launches batch·M threads more, after those: each sums one row of op(A).
    /// </summary>
    public static void Kernel(Index1D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> e, GemmParams p)
    {
        int flat = index.X;
        int outputs = p.Batch * p.M * p.N;
        if (flat >= outputs)
        {
            int sum = flat - outputs;
            GemmEpilogues.RowSum(a, e, p, sum / p.M, sum % p.M);
            return;
        }
        int j = flat % p.N;
        int rest = flat / p.N;
        int i = rest % p.M;
        int batch = rest / p.M;

        long aBase = batch * p.StrideA;
        long bBase = batch * p.StrideB;
        long element = (long)i * p.N + j;
        long cIndex = batch * p.StrideC + element;

        // Element (i, k) of op(A) and (k, j) of op(B) advance by these steps as k grows.
        long aIndex = aBase + (p.TransA != 0 ? i : (long)i * p.K);
        long aStep = p.TransA != 0 ? p.M : 1;
        long bIndex = bBase + (p.TransB != 0 ? (long)j * p.K : j);
        long bStep = p.TransB != 0 ? 1 : p.N;

        float acc = 0f;
        for (int k = 0; k < p.K; k++)
        {
            acc += a[aIndex] * b[bIndex];
            aIndex += aStep;
            bIndex += bStep;
        }

        // BLAS semantics: with beta == 0, C is write-only, so NaN already in C cannot leak.
        float v = p.Beta == 0f ? p.Alpha * acc : p.Alpha * acc + p.Beta * c[cIndex];
        c[cIndex] = default(FusedStore).Apply(e, batch * p.StrideE, p.Epilogue, p.EpilogueActivation, element, j, v);
    }
}
