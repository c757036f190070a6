using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// Global-memory helpers shared by the register-blocked GEMM rungs. An operand tile is seen
/// as op(X)[r, k]: for A, r runs over M; for B, r runs over N (op(B) transposed). Whether k or
/// r is the contiguous direction in memory depends on the transpose flag, and the slot mapping
/// makes neighbouring threads walk the contiguous direction in both cases (coalesced reads).
///
/// Only global views are passed here: PoCL cannot take shared views as helper arguments, so
/// the rungs do every shared-memory access inline.
/// </summary>
public static class GemmTileIO
{
    /// <summary>
    /// Tile row of load slot <paramref name="slot"/> of thread <paramref name="t"/> for an
    /// operand tile of <paramref name="rows"/>×<paramref name="depth"/> loaded by
    /// <paramref name="threads"/> threads. k-contiguous: consecutive threads take consecutive k
    /// in a row; otherwise consecutive threads take consecutive rows at one k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SlotRow(int t, int slot, int kContiguous, int rows, int depth, int threads) =>
        kContiguous != 0 ? t / depth + slot * (threads / depth) : t % rows;

    /// <summary>Tile k of the same slot, see <see cref="SlotRow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SlotK(int t, int slot, int kContiguous, int rows, int depth, int threads) =>
        kContiguous != 0 ? t % depth : t / rows + slot * (threads / rows);

    /// <summary>
    /// op(X)[r, k] of an operand with <paramref name="rows"/> rows and depth K, or 0 outside it
    /// (so partial tiles need no special case in the product). k-contiguous storage is
    /// rows×K row-major, otherwise K×rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Element(ArrayView<float> x, long offset, int kContiguous, int rows, int depth, int r, int k)
    {
        if (r >= rows || k >= depth)
            return 0f;
        return kContiguous != 0 ? x[offset + (long)r * depth + k] : x[offset + (long)k * rows + r];
    }

    /// <summary>
    /// Writes alpha·acc (+ beta·C), through the epilogue <typeparamref name="TE"/>, into C[row, col] when inside M×N (E
    /// read at <paramref name="eOffset"/>). BLAS semantics: with beta == 0, C is write-only, so NaN already in C cannot leak.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TE>(ArrayView<float> c, long offset, ArrayView<float> e, long eOffset, GemmParams p, int row, int col, float acc)
        where TE : struct, IGemmStoreEpilogue
    {
        if (row >= p.M || col >= p.N)
            return;
        long element = (long)row * p.N + col;
        long index = offset + element;
        float v = p.Beta == 0f ? p.Alpha * acc : p.Alpha * acc + p.Beta * c[index];
        c[index] = default(TE).Apply(e, eOffset, p.Epilogue, p.EpilogueActivation, element, col, v);
    }
}

/// <summary>What a GEMM rung does to each element of C as it stores it, as a type (see <see cref="GemmDoubleBuffered128"/>).</summary>
public interface IGemmStoreEpilogue
{
    /// <summary>
    /// The stored value of element <paramref name="element"/> (= row·N + col of its plane) from the GEMM's
    /// <paramref name="v"/> (alpha and beta applied), for a launch with epilogue <paramref name="kind"/> (a
    /// <see cref="GemmEpilogueKind"/>) and <paramref name="activation"/>; E is read only by the epilogues that read it.
    /// </summary>
    float Apply(ArrayView<float> e, long eOffset, int kind, int activation, long element, int col, float v);
}

/// <summary>C as the GEMM leaves it (no epilogue, or the row sums, which do not touch C).</summary>
public struct PlainStore : IGemmStoreEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Apply(ArrayView<float> e, long eOffset, int kind, int activation, long element, int col, float v) => v;
}

/// <summary>The launch's epilogue chosen at run time by its kind: the naive, 16 and 64 rungs and split-K's reduction.</summary>
public struct FusedStore : IGemmStoreEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Apply(ArrayView<float> e, long eOffset, int kind, int activation, long element, int col, float v)
    {
        if (kind == (int)GemmEpilogueKind.BiasActivation)
            return default(BiasActivationStore).Apply(e, eOffset, kind, activation, element, col, v);
        if (kind == (int)GemmEpilogueKind.ActivationBackward)
            return default(ActivationBackwardStore).Apply(e, eOffset, kind, activation, element, col, v);
        return v;
    }
}

/// <summary>f(v + E[col]): <see cref="GemmEpilogueKind.BiasActivation"/>, the kind fixed at compile time.</summary>
public struct BiasActivationStore : IGemmStoreEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Apply(ArrayView<float> e, long eOffset, int kind, int activation, long element, int col, float v) =>
        ActivationKernels.Apply(activation, v + e[eOffset + col]);
}

/// <summary>v·f'(E[element]): <see cref="GemmEpilogueKind.ActivationBackward"/>, the kind fixed at compile time.</summary>
public struct ActivationBackwardStore : IGemmStoreEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Apply(ArrayView<float> e, long eOffset, int kind, int activation, long element, int col, float v) =>
        v * ActivationKernels.DerivativeFromOutput(activation, e[eOffset + element]);
}

/// <summary>
/// Four accumulators of one output row, kept in registers (ILGPU scalarises struct fields;
/// a local array would live in slow local memory because ILGPU does not unroll loops).
/// </summary>
public struct Vec4
{
    public float V0, V1, V2, V3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec4(float v0, float v1, float v2, float v3)
    {
        V0 = v0; V1 = v1; V2 = v2; V3 = v3;
    }

    /// <summary>acc + a·b, element by element: one row of a rank-1 update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4 MulAdd(Vec4 acc, float a, Vec4 b) =>
        new(acc.V0 + a * b.V0, acc.V1 + a * b.V1, acc.V2 + a * b.V2, acc.V3 + a * b.V3);

    /// <summary>Stores the row at columns col0, col0 + step, col0 + 2·step, col0 + 3·step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ArrayView<float> c, long offset, ArrayView<float> e, long eOffset, GemmParams p, int row, int col0, int step, Vec4 v)
    {
        GemmTileIO.Store<FusedStore>(c, offset, e, eOffset, p, row, col0, v.V0);
        GemmTileIO.Store<FusedStore>(c, offset, e, eOffset, p, row, col0 + step, v.V1);
        GemmTileIO.Store<FusedStore>(c, offset, e, eOffset, p, row, col0 + 2 * step, v.V2);
        GemmTileIO.Store<FusedStore>(c, offset, e, eOffset, p, row, col0 + 3 * step, v.V3);
    }
}

/// <summary>Eight accumulators of one output row (of a <see cref="Tile8x8"/>), see <see cref="Vec4"/>.</summary>
public struct Vec8
{
    public float V0, V1, V2, V3, V4, V5, V6, V7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec8(float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7)
    {
        V0 = v0; V1 = v1; V2 = v2; V3 = v3; V4 = v4; V5 = v5; V6 = v6; V7 = v7;
    }

    /// <summary>acc + a·(lo, hi): one row of a rank-1 update whose columns come as two quads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec8 MulAdd(float a, Vec4 lo, Vec4 hi) =>
        new(V0 + a * lo.V0, V1 + a * lo.V1, V2 + a * lo.V2, V3 + a * lo.V3,
            V4 + a * hi.V0, V5 + a * hi.V1, V6 + a * hi.V2, V7 + a * hi.V3);

    /// <summary>Stores the row at columns col0 + j and col0 + half + j, j &lt; 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void StoreQuads<TE>(ArrayView<float> c, long offset, ArrayView<float> e, long eOffset, GemmParams p, int row, int col0, int half)
        where TE : struct, IGemmStoreEpilogue
    {
        GemmTileIO.Store<TE>(c, offset, e, eOffset, p, row, col0, V0);
        GemmTileIO.Store<TE>(c, offset, e, eOffset, p, row, col0 + 1, V1);
        GemmTileIO.Store<TE>(c, offset, e, eOffset, p, row, col0 + 2, V2);
        GemmTileIO.Store<TE>(c, offset, e, eOffset, p, row, col0 + 3, V3);
        GemmTileIO.Store<TE>(c, offset, e, eOffset, p, row, col0 + half, V4);
        GemmTileIO.Store<TE>(c, offset, e, eOffset, p, row, col0 + half + 1, V5);
        GemmTileIO.Store<TE>(c, offset, e, eOffset, p, row, col0 + half + 2, V6);
        GemmTileIO.Store<TE>(c, offset, e, eOffset, p, row, col0 + half + 3, V7);
    }
}
