using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// What a GEMM does beside C = alpha·op(A)·op(B) + beta·C, inside the same launch, so a layer's step needs no
/// elementwise or reduction launch of its own (llm.c folds bias, GELU and the bias gradient into cuBLASLt's
/// epilogues the same way). The operand E is one extra view; batch b reads or writes it at b·StrideE.
/// </summary>
public enum GemmEpilogueKind
{
    /// <summary>C as the GEMM leaves it; E is not touched.</summary>
    None = 0,
    /// <summary>C[m, n] = f(v + E[n]), v the GEMM's value, E a bias of N: a layer's forward.</summary>
    BiasActivation = 1,
    /// <summary>C[m, n] = v·f'(E[m, n]), f' written from the forward output E (M×N, tight): a hidden layer's input gradient.</summary>
    ActivationBackward = 2,
    /// <summary>C as the GEMM leaves it, and E[m] = Σ_k op(A)[m, k]: with A = δ transposed, a layer's bias gradient beside its weight gradient.</summary>
    RowSums = 3,
}

/// <summary>The row sums, shared by every GEMM rung (the per-element epilogues are the stores of <see cref="IGemmStoreEpilogue"/>).</summary>
public static class GemmEpilogues
{
    /// <summary>
    /// E[b·StrideE + row] = Σ_k op(A)[row, k] of batch <paramref name="batch"/>, over the whole of K (split-K or not), in
    /// a fixed order: four running sums over k ≡ 0, 1, 2, 3 (mod 4), then (s0 + s1) + (s2 + s3). The rungs run it in
    /// threads beside the ones that compute C (extra groups, or extra threads of the naive rung); no atomics.
    /// </summary>
    public static void RowSum(ArrayView<float> a, ArrayView<float> e, GemmParams p, int batch, int row)
    {
        if (row >= p.M)
            return;
        long index = batch * p.StrideA + (p.TransA != 0 ? row : (long)row * p.K);
        long step = p.TransA != 0 ? p.M : 1;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int k = 0;
        for (; k + 4 <= p.K; k += 4)
        {
            s0 += a[index];
            s1 += a[index + step];
            s2 += a[index + 2 * step];
            s3 += a[index + 3 * step];
            index += 4 * step;
        }
        for (; k < p.K; k++)
        {
            s0 += a[index];
            index += step;
        }
        e[batch * p.StrideE + row] = (s0 + s1) + (s2 + s3);
    }

    /// <summary>
    /// Whether this group of a block rung is one of the row-sum groups: with <see cref="GemmEpilogueKind.RowSums"/> the
    /// grid has one more column of groups than C's blocks, and those (in split 0 alone under split-K) sum the rows of
    /// their block of op(A), thread t taking row row0 + t for t &lt; <paramref name="block"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsRowSumGroup(GemmParams p, int block) =>
        p.Epilogue == (int)GemmEpilogueKind.RowSums && Grid.IdxX == (p.N + block - 1) / block;

    /// <summary>The row-sum group's work, see <see cref="IsRowSumGroup"/>: split 0 of each batch sums, other splits idle.</summary>
    public static void RowSumGroup(ArrayView<float> a, ArrayView<float> e, GemmParams p, int block)
    {
        int t = Group.IdxY * Group.DimX + Group.IdxX;
        int batch = Grid.IdxZ / p.Splits;
        if (t < block && Grid.IdxZ - batch * p.Splits == 0)
            RowSum(a, e, p, batch, Grid.IdxY * block + t);
    }
}
