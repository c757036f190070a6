using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// Rung 3 of the GEMM ladder, the default on GPUs: a 128×128 block of C per 256-thread group,
/// an 8×8 register tile per thread, double-buffered shared memory, and split-K.
///
/// What ptxas showed and how this kernel answers it (perf/ptx/, perf/RESULTS.md):
/// - **No transpose test in the loops.** The operand layouts are type parameters
///   (<see cref="IGemmLayout"/>); ILGPU compiles one kernel per layout pair.
/// - **The k loop is unrolled by hand.** ILGPU 1.5.3 does not unroll and ptxas left the
///   8-step loop rolled, so each step paid its own address arithmetic and branch. The eight
///   steps of a stage are written out, each one <see cref="Tile8x8.Rank1"/>: 64 FMAs fed by four
///   16-byte shared loads.
/// - **Vector shared loads.** Thread (tx, ty) owns rows 4·ty + i and 64 + 4·ty + i and columns
///   4·tx + j and 64 + 4·tx + j (i, j &lt; 4), so each of its operand quads is four adjacent
///   floats in shared memory: one <c>LDS.128</c> instead of four scalar loads.
/// - **No per-element bounds checks in full stages.** Rows beyond M (columns beyond N) are
///   clamped to the last valid one once, before the loop: what they compute is never stored.
///   The ragged part of K comes first, in a stage loaded before the loop; inside the loop
///   every load is a plain load.
/// - **32-bit indexing.** Each batch's operands are sub-views; a buffer holds at most
///   2³¹ − 1 elements, so every index within one fits an int.
///
/// Epilogues (<see cref="GemmEpilogueKind"/>): bias + activation and the activation's backward are applied as each
/// element is stored, each in a kernel of its own (<see cref="BiasActivationStore"/>, <see cref="ActivationBackwardStore"/>):
/// with the epilogue's code after the loop, ptxas at 128 registers moved accumulators between registers at the end of
/// every stage (20–30 MOVs among 512 FFMAs, the FFMA share 2–3 points down), so the plain GEMM
/// (<see cref="PlainStore"/>) keeps the old loop, and each fused kernel carries only its own epilogue. The row sums of
/// op(A) run in one extra column of groups (<see cref="GemmEpilogues.IsRowSumGroup"/>) of either.
///
/// Split-K: with <see cref="GemmParams.Splits"/> = S &gt; 1, grid z = batch·S + s and the group
/// multiplies only k in [s·SplitDepth, (s + 1)·SplitDepth), writing its raw partial product to
/// plane z of C (the host points C at a workspace and sums the planes in a fixed order with
/// <see cref="GemmSplitK.Reduce"/>: deterministic, no atomics).
///
/// Loads are coalesced in both layouts: consecutive threads read consecutive addresses along
/// the operand's contiguous direction (8 floats of k, or 128 of M/N).
/// </summary>
public static class GemmDoubleBuffered128
{
    /// <summary>Rows (and columns) of C per block.</summary>
    public const int Block = 128;
    /// <summary>Depth of one shared-memory stage along K; the eight Rank1 lines below are its unrolled steps.</summary>
    public const int Depth = 8;
    /// <summary>The group edge: Edge×Edge threads, each with an 8×8 register tile.</summary>
    public const int Edge = 16;
    private const int Threads = Edge * Edge;
    /// <summary>A thread's second row (column) quad sits this far after its first.</summary>
    private const int Half = Block / 2;
    /// <summary>Shared row stride: a multiple of 4 (16-byte quads stay aligned), padded off 128 to spread the transposing stores over the banks.</summary>
    private const int Lead = Block + 4;
    /// <summary>One buffer of one operand.</summary>
    private const int Stage = Depth * Lead;
    private const int Quad = 4;
    private const int LeadQuads = Lead / Quad;
    private const int HalfQuads = Half / Quad;

    /// <summary>
    /// Launch with grid (ceil(N/128), ceil(M/128), batch·Splits) and group (16, 16, 1). Each
    /// thread stages four elements of each operand per stage (128·8 / 256).
    /// </summary>
    public static void Kernel<TA, TB, TE>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> e, GemmParams p)
        where TA : struct, IGemmLayout
        where TB : struct, IGemmLayout
        where TE : struct, IGemmStoreEpilogue
    {
        // A whole group leaves before any barrier, so the others' barriers never wait for it.
        if (GemmEpilogues.IsRowSumGroup(p, Block))
        {
            GemmEpilogues.RowSumGroup(a, e, p, Block);
            return;
        }

        // Buffer s of tileA holds op(A)[row0 + r, k0 + k] at s·Stage + k·Lead + r; tileB likewise op(B)[k0 + k, col0 + r].
        var tileA = SharedMemory.Allocate<float>(2 * Stage);
        var tileB = SharedMemory.Allocate<float>(2 * Stage);
        var quadsA = tileA.Cast<Vec4>();
        var quadsB = tileB.Cast<Vec4>();

        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int t = ty * Edge + tx;
        int row0 = Grid.IdxY * Block;
        int col0 = Grid.IdxX * Block;
        int batch = Grid.IdxZ / p.Splits;
        int kBegin = (Grid.IdxZ - batch * p.Splits) * p.SplitDepth;
        int kEnd = Math.Min(p.K, kBegin + p.SplitDepth);
        var av = a.SubView(batch * p.StrideA, a.Length - batch * p.StrideA);
        var bv = b.SubView(batch * p.StrideB, b.Length - batch * p.StrideB);
        int aKc = default(TA).KContiguous ? 1 : 0;
        int bKc = default(TB).KContiguous ? 1 : 0;
        int aStep = default(TA).KStride(p.M) * Depth;
        int bStep = default(TB).KStride(p.N) * Depth;

        // The split's depth in whole stages, the ragged part first: stage 0 starts pad elements
        // before kBegin and is the only one whose loads need a k check (outside the loop).
        int depth = kEnd - kBegin;
        int stages = (depth + Depth - 1) / Depth;
        int pad = stages * Depth - depth;
        int kFirst = kBegin - pad;

        // This thread's four load slots per operand: where each lands in a tile buffer, and
        // where stage 0 reads it from (rows clamped into the operand once, here).
        var ar = GemmSlots.Rows(t, aKc, Block, Depth, Threads);
        var ak = GemmSlots.Ks(t, aKc, Block, Depth, Threads);
        var br = GemmSlots.Rows(t, bKc, Block, Depth, Threads);
        var bk = GemmSlots.Ks(t, bKc, Block, Depth, Threads);
        var aFrom = GemmSlots.Source<TA>(ar, ak, row0, kFirst, p.M, p.K);
        var bFrom = GemmSlots.Source<TB>(br, bk, col0, kFirst, p.N, p.K);
        // Stage 1 onwards: never before kBegin, so the indices are valid offsets into the operand.
        var aNext = aFrom.Plus(aStep);
        var bNext = bFrom.Plus(bStep);
        var aTo = GemmSlots.InTile(ar, ak, Lead);
        var bTo = GemmSlots.InTile(br, bk, Lead);

        var acc = new Tile8x8();
        if (stages > 0)
        {
            // Slots with k below the pad fall before kBegin: they stage zeros.
            aTo.StoreTo(tileA, GemmSlots.LoadFrom(av, aFrom, ak.Plus(-pad)));
            bTo.StoreTo(tileB, GemmSlots.LoadFrom(bv, bFrom, bk.Plus(-pad)));
        }
        Group.Barrier();

        for (int s = 0; s < stages; s++)
        {
            int current = (s & 1) * Stage;
            bool more = s + 1 < stages;
            // The next stage, held in registers between its global load and its shared store;
            // issued before the math, consumed after it, so the loads overlap the FMAs. Every
            // stage after the first lies wholly inside the split: no k check.
            var na = new Vec4();
            var nb = new Vec4();
            if (more)
            {
                var ga = av.SubView(s * aStep, av.Length - s * aStep);
                var gb = bv.SubView(s * bStep, bv.Length - s * bStep);
                na = new Vec4(ga[aNext.S0], ga[aNext.S1], ga[aNext.S2], ga[aNext.S3]);
                nb = new Vec4(gb[bNext.S0], gb[bNext.S1], gb[bNext.S2], gb[bNext.S3]);
            }

            // The stage's eight k steps: quads of op(A) rows and op(B) columns, 64 FMAs each.
            // One view per operand per stage, so every shared load has a constant offset.
            var qa = quadsA.SubView(current / Quad + ty, quadsA.Length - current / Quad - ty);
            var qb = quadsB.SubView(current / Quad + tx, quadsB.Length - current / Quad - tx);
            acc = acc.Rank1(qa[0 * LeadQuads], qa[0 * LeadQuads + HalfQuads], qb[0 * LeadQuads], qb[0 * LeadQuads + HalfQuads]);
            acc = acc.Rank1(qa[1 * LeadQuads], qa[1 * LeadQuads + HalfQuads], qb[1 * LeadQuads], qb[1 * LeadQuads + HalfQuads]);
            acc = acc.Rank1(qa[2 * LeadQuads], qa[2 * LeadQuads + HalfQuads], qb[2 * LeadQuads], qb[2 * LeadQuads + HalfQuads]);
            acc = acc.Rank1(qa[3 * LeadQuads], qa[3 * LeadQuads + HalfQuads], qb[3 * LeadQuads], qb[3 * LeadQuads + HalfQuads]);
            acc = acc.Rank1(qa[4 * LeadQuads], qa[4 * LeadQuads + HalfQuads], qb[4 * LeadQuads], qb[4 * LeadQuads + HalfQuads]);
            acc = acc.Rank1(qa[5 * LeadQuads], qa[5 * LeadQuads + HalfQuads], qb[5 * LeadQuads], qb[5 * LeadQuads + HalfQuads]);
            acc = acc.Rank1(qa[6 * LeadQuads], qa[6 * LeadQuads + HalfQuads], qb[6 * LeadQuads], qb[6 * LeadQuads + HalfQuads]);
            acc = acc.Rank1(qa[7 * LeadQuads], qa[7 * LeadQuads + HalfQuads], qb[7 * LeadQuads], qb[7 * LeadQuads + HalfQuads]);

            if (more)
            {
                // The other buffer was last read in stage s − 1, which every thread finished
                // before the previous barrier: safe to overwrite without a second barrier.
                aTo.StoreTo(tileA.SubView(Stage - current, Stage), na);
                bTo.StoreTo(tileB.SubView(Stage - current, Stage), nb);
            }
            Group.Barrier();
        }

        // E's offset from Grid.IdxZ, which is the batch unsplit: under split-K the host launches with no C epilogue (the
        // reduction applies it). Not from 'batch', which would then stay live through the loop (ptxas: MOVs in the FFMA stream).
        acc.Store<TE>(c, Grid.IdxZ * p.StrideC, e, Grid.IdxZ * p.StrideE, p, row0 + Quad * ty, col0 + Quad * tx, Half);
    }
}
