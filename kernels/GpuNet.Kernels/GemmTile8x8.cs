using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// The 8×8 accumulator tile of one <see cref="GemmDoubleBuffered128"/> thread: rows
/// r0 + i and r0 + half + i (R0..R3, R4..R7), columns c0 + j and c0 + half + j (V0..V3, V4..V7
/// of each row). A struct of structs, so ILGPU keeps all 64 floats in registers.
/// </summary>
public struct Tile8x8
{
    public Vec8 R0, R1, R2, R3, R4, R5, R6, R7;

    /// <summary>The rank-1 update of one k step: row quads <paramref name="aLo"/>, <paramref name="aHi"/> of op(A) times column quads <paramref name="bLo"/>, <paramref name="bHi"/> of op(B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Tile8x8 Rank1(Vec4 aLo, Vec4 aHi, Vec4 bLo, Vec4 bHi) => new()
    {
        R0 = R0.MulAdd(aLo.V0, bLo, bHi),
        R1 = R1.MulAdd(aLo.V1, bLo, bHi),
        R2 = R2.MulAdd(aLo.V2, bLo, bHi),
        R3 = R3.MulAdd(aLo.V3, bLo, bHi),
        R4 = R4.MulAdd(aHi.V0, bLo, bHi),
        R5 = R5.MulAdd(aHi.V1, bLo, bHi),
        R6 = R6.MulAdd(aHi.V2, bLo, bHi),
        R7 = R7.MulAdd(aHi.V3, bLo, bHi),
    };

    /// <summary>Stores the tile into C (alpha, beta, the epilogue and the M×N bounds applied per element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store<TE>(ArrayView<float> c, long offset, ArrayView<float> e, long eOffset, GemmParams p, int row, int col, int half)
        where TE : struct, IGemmStoreEpilogue
    {
        R0.StoreQuads<TE>(c, offset, e, eOffset, p, row, col, half);
        R1.StoreQuads<TE>(c, offset, e, eOffset, p, row + 1, col, half);
        R2.StoreQuads<TE>(c, offset, e, eOffset, p, row + 2, col, half);
        R3.StoreQuads<TE>(c, offset, e, eOffset, p, row + 3, col, half);
        R4.StoreQuads<TE>(c, offset, e, eOffset, p, row + half, col, half);
        R5.StoreQuads<TE>(c, offset, e, eOffset, p, row + half + 1, col, half);
        R6.StoreQuads<TE>(c, offset, e, eOffset, p, row + half + 2, col, half);
        R7.StoreQuads<TE>(c, offset, e, eOffset, p, row + half + 3, col, half);
    }
}

/// <summary>
/// Four element indices of one thread's four load slots of a GEMM operand (where they are
/// read from, or where they land in a tile), and the guarded load of a ragged first stage.
/// </summary>
public readonly struct GemmSlots
{
    public readonly int S0, S1, S2, S3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public GemmSlots(int s0, int s1, int s2, int s3)
    {
        S0 = s0; S1 = s1; S2 = s2; S3 = s3;
    }

    /// <summary>Tile rows of a thread's four load slots (<see cref="GemmTileIO.SlotRow"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GemmSlots Rows(int t, int kContiguous, int rows, int depth, int threads) => new(
        GemmTileIO.SlotRow(t, 0, kContiguous, rows, depth, threads), GemmTileIO.SlotRow(t, 1, kContiguous, rows, depth, threads),
        GemmTileIO.SlotRow(t, 2, kContiguous, rows, depth, threads), GemmTileIO.SlotRow(t, 3, kContiguous, rows, depth, threads));

    /// <summary>Tile k of a thread's four load slots (<see cref="GemmTileIO.SlotK"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GemmSlots Ks(int t, int kContiguous, int rows, int depth, int threads) => new(
        GemmTileIO.SlotK(t, 0, kContiguous, rows, depth, threads), GemmTileIO.SlotK(t, 1, kContiguous, rows, depth, threads),
        GemmTileIO.SlotK(t, 2, kContiguous, rows, depth, threads), GemmTileIO.SlotK(t, 3, kContiguous, rows, depth, threads));

    /// <summary>Each slot moved by <paramref name="delta"/> elements (the next stage, or k shifted back by a pad).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public GemmSlots Plus(int delta) => new(S0 + delta, S1 + delta, S2 + delta, S3 + delta);

    /// <summary>Where slots at tile rows <paramref name="r"/> and depths <paramref name="k"/> land in a tile of row stride <paramref name="lead"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GemmSlots InTile(GemmSlots r, GemmSlots k, int lead) =>
        new(k.S0 * lead + r.S0, k.S1 * lead + r.S1, k.S2 * lead + r.S2, k.S3 * lead + r.S3);

    /// <summary>
    /// Where the slots read from in an operand of layout <typeparamref name="TL"/>: row
    /// <paramref name="first"/> + r, clamped once to the last of <paramref name="rows"/> (what a
    /// clamped row computes is never stored), and depth <paramref name="kFirst"/> + k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GemmSlots Source<TL>(GemmSlots r, GemmSlots k, int first, int kFirst, int rows, int depth)
        where TL : struct, IGemmLayout => new(
        default(TL).Offset(Math.Min(first + r.S0, rows - 1), kFirst + k.S0, rows, depth),
        default(TL).Offset(Math.Min(first + r.S1, rows - 1), kFirst + k.S1, rows, depth),
        default(TL).Offset(Math.Min(first + r.S2, rows - 1), kFirst + k.S2, rows, depth),
        default(TL).Offset(Math.Min(first + r.S3, rows - 1), kFirst + k.S3, rows, depth));

    /// <summary>The slots' elements of one stage at depth <paramref name="k0"/>, zero outside the operand (<see cref="GemmTileIO.Element"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4 Elements(ArrayView<float> x, long offset, int kContiguous, int rows, int depth, int first, int k0, GemmSlots r, GemmSlots k) => new(
        GemmTileIO.Element(x, offset, kContiguous, rows, depth, first + r.S0, k0 + k.S0),
        GemmTileIO.Element(x, offset, kContiguous, rows, depth, first + r.S1, k0 + k.S1),
        GemmTileIO.Element(x, offset, kContiguous, rows, depth, first + r.S2, k0 + k.S2),
        GemmTileIO.Element(x, offset, kContiguous, rows, depth, first + r.S3, k0 + k.S3));

    /// <summary>Stores <paramref name="v"/>'s four lanes at the slots' indices of <paramref name="tile"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreTo(ArrayView<float> tile, Vec4 v)
    {
        tile[S0] = v.V0;
        tile[S1] = v.V1;
        tile[S2] = v.V2;
        tile[S3] = v.V3;
    }

    /// <summary>
    /// The four slots' elements at <paramref name="from"/>, where <paramref name="k"/> ≥ 0; a
    /// slot with k &lt; 0 reads 0 instead, from index 0, so no load leaves the operand.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec4 LoadFrom(ArrayView<float> x, GemmSlots from, GemmSlots k) =>
        new(Guarded(x, from.S0, k.S0 >= 0), Guarded(x, from.S1, k.S1 >= 0), Guarded(x, from.S2, k.S2 >= 0), Guarded(x, from.S3, k.S3 >= 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Guarded(ArrayView<float> x, int index, bool inside)
    {
        float value = x[inside ? index : 0];
        return inside ? value : 0f;
    }
}
