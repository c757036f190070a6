using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// Rung 3 of the GEMM ladder: a 128×128 block of C per 256-thread group, an 8×8 register
/// tile per thread (64 FMAs per 16 shared reads), and double-buffered shared memory: while
/// the group multiplies stage s out of one buffer, each thread already holds stage s + 1 in
/// registers (its global loads in flight during the math) and stores it into the other
/// buffer, so one barrier per stage suffices and load latency hides behind the FMAs.
///
/// Loads are coalesced in every layout: consecutive threads read consecutive addresses along
/// the operand's contiguous direction (8 floats of k, or 128 of M/N). They are scalar, not
/// float4: buffers may start at any element offset (slices), and K or M need not be a multiple
/// of 4, so 16-byte vector loads would need an aligned fast path beside this one.
///
/// Same output mapping as <see cref="GemmRegister64"/>: thread (tx, ty) owns rows ty + 16·i and
/// columns tx + 16·j, i, j &lt; 8.
/// </summary>
public static class GemmDoubleBuffered128
{
    /// <summary>Rows (and columns) of C per block.</summary>
    public const int Block = 128;
    /// <summary>Depth of one shared-memory stage along K.</summary>
    public const int Depth = 8;
    /// <summary>The group edge: Edge×Edge threads, each with an 8×8 register tile.</summary>
    public const int Edge = 16;
    private const int Threads = Edge * Edge;
    /// <summary>Shared row stride: padding spreads the transposing stores over the banks.</summary>
    private const int Lead = Block + 4;
    /// <summary>One buffer of one operand.</summary>
    private const int Stage = Depth * Lead;

    /// <summary>
    /// Launch with grid (ceil(N/128), ceil(M/128), batch) and group (16, 16, 1). Each thread
    /// stages four elements of each operand per step (128·8 / 256).
    /// </summary>
    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmParams p)
    {
        // Buffer s of tileA holds op(A)[row0 + r, k0 + k] at s·Stage + k·Lead + r; tileB likewise op(B)[k0 + k, col0 + r].
        var tileA = SharedMemory.Allocate<float>(2 * Stage);
        var tileB = SharedMemory.Allocate<float>(2 * Stage);

        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int t = ty * Edge + tx;
        int row0 = Grid.IdxY * Block;
        int col0 = Grid.IdxX * Block;
        long aOffset = Grid.IdxZ * p.StrideA;
        long bOffset = Grid.IdxZ * p.StrideB;
        int aKc = p.TransA == 0 ? 1 : 0;
        int bKc = p.TransB != 0 ? 1 : 0;

        int ar0 = GemmTileIO.SlotRow(t, 0, aKc, Block, Depth, Threads), ak0 = GemmTileIO.SlotK(t, 0, aKc, Block, Depth, Threads);
        int ar1 = GemmTileIO.SlotRow(t, 1, aKc, Block, Depth, Threads), ak1 = GemmTileIO.SlotK(t, 1, aKc, Block, Depth, Threads);
        int ar2 = GemmTileIO.SlotRow(t, 2, aKc, Block, Depth, Threads), ak2 = GemmTileIO.SlotK(t, 2, aKc, Block, Depth, Threads);
        int ar3 = GemmTileIO.SlotRow(t, 3, aKc, Block, Depth, Threads), ak3 = GemmTileIO.SlotK(t, 3, aKc, Block, Depth, Threads);
        int br0 = GemmTileIO.SlotRow(t, 0, bKc, Block, Depth, Threads), bk0 = GemmTileIO.SlotK(t, 0, bKc, Block, Depth, Threads);
        int br1 = GemmTileIO.SlotRow(t, 1, bKc, Block, Depth, Threads), bk1 = GemmTileIO.SlotK(t, 1, bKc, Block, Depth, Threads);
        int br2 = GemmTileIO.SlotRow(t, 2, bKc, Block, Depth, Threads), bk2 = GemmTileIO.SlotK(t, 2, bKc, Block, Depth, Threads);
        int br3 = GemmTileIO.SlotRow(t, 3, bKc, Block, Depth, Threads), bk3 = GemmTileIO.SlotK(t, 3, bKc, Block, Depth, Threads);

        var acc0 = new Vec8();
        var acc1 = new Vec8();
        var acc2 = new Vec8();
        var acc3 = new Vec8();
        var acc4 = new Vec8();
        var acc5 = new Vec8();
        var acc6 = new Vec8();
        var acc7 = new Vec8();

        int stages = (p.K + Depth - 1) / Depth;
        // The next stage, held in registers between its global load and its shared store.
        float na0 = 0f, na1 = 0f, na2 = 0f, na3 = 0f, nb0 = 0f, nb1 = 0f, nb2 = 0f, nb3 = 0f;
        if (stages > 0)
        {
            na0 = GemmTileIO.Element(a, aOffset, aKc, p.M, p.K, row0 + ar0, ak0);
            na1 = GemmTileIO.Element(a, aOffset, aKc, p.M, p.K, row0 + ar1, ak1);
            na2 = GemmTileIO.Element(a, aOffset, aKc, p.M, p.K, row0 + ar2, ak2);
            na3 = GemmTileIO.Element(a, aOffset, aKc, p.M, p.K, row0 + ar3, ak3);
            nb0 = GemmTileIO.Element(b, bOffset, bKc, p.N, p.K, col0 + br0, bk0);
            nb1 = GemmTileIO.Element(b, bOffset, bKc, p.N, p.K, col0 + br1, bk1);
            nb2 = GemmTileIO.Element(b, bOffset, bKc, p.N, p.K, col0 + br2, bk2);
            nb3 = GemmTileIO.Element(b, bOffset, bKc, p.N, p.K, col0 + br3, bk3);
            tileA[ak0 * Lead + ar0] = na0;
            tileA[ak1 * Lead + ar1] = na1;
            tileA[ak2 * Lead + ar2] = na2;
            tileA[ak3 * Lead + ar3] = na3;
            tileB[bk0 * Lead + br0] = nb0;
            tileB[bk1 * Lead + br1] = nb1;
            tileB[bk2 * Lead + br2] = nb2;
            tileB[bk3 * Lead + br3] = nb3;
        }
        Group.Barrier();

        for (int s = 0; s < stages; s++)
        {
            int current = (s & 1) * Stage;
            int next = Stage - current;
            bool more = s + 1 < stages;
            if (more)
            {
                // Issued before the math, consumed after it: the loads overlap the FMAs.
                int k0 = (s + 1) * Depth;
                na0 = GemmTileIO.Element(a, aOffset, aKc, p.M, p.K, row0 + ar0, k0 + ak0);
                na1 = GemmTileIO.Element(a, aOffset, aKc, p.M, p.K, row0 + ar1, k0 + ak1);
                na2 = GemmTileIO.Element(a, aOffset, aKc, p.M, p.K, row0 + ar2, k0 + ak2);
                na3 = GemmTileIO.Element(a, aOffset, aKc, p.M, p.K, row0 + ar3, k0 + ak3);
                nb0 = GemmTileIO.Element(b, bOffset, bKc, p.N, p.K, col0 + br0, k0 + bk0);
                nb1 = GemmTileIO.Element(b, bOffset, bKc, p.N, p.K, col0 + br1, k0 + bk1);
                nb2 = GemmTileIO.Element(b, bOffset, bKc, p.N, p.K, col0 + br2, k0 + bk2);
                nb3 = GemmTileIO.Element(b, bOffset, bKc, p.N, p.K, col0 + br3, k0 + bk3);
            }

            for (int k = 0; k < Depth; k++)
            {
                int o = current + k * Lead;
                var bRow = new Vec8(tileB[o + tx], tileB[o + tx + 16], tileB[o + tx + 32], tileB[o + tx + 48],
                    tileB[o + tx + 64], tileB[o + tx + 80], tileB[o + tx + 96], tileB[o + tx + 112]);
                acc0 = Vec8.MulAdd(acc0, tileA[o + ty], bRow);
                acc1 = Vec8.MulAdd(acc1, tileA[o + ty + 16], bRow);
                acc2 = Vec8.MulAdd(acc2, tileA[o + ty + 32], bRow);
                acc3 = Vec8.MulAdd(acc3, tileA[o + ty + 48], bRow);
                acc4 = Vec8.MulAdd(acc4, tileA[o + ty + 64], bRow);
                acc5 = Vec8.MulAdd(acc5, tileA[o + ty + 80], bRow);
                acc6 = Vec8.MulAdd(acc6, tileA[o + ty + 96], bRow);
                acc7 = Vec8.MulAdd(acc7, tileA[o + ty + 112], bRow);
            }

            if (more)
            {
                // The other buffer was last read in stage s − 1, which every thread finished
                // before the previous barrier: safe to overwrite without a second barrier.
                tileA[next + ak0 * Lead + ar0] = na0;
                tileA[next + ak1 * Lead + ar1] = na1;
                tileA[next + ak2 * Lead + ar2] = na2;
                tileA[next + ak3 * Lead + ar3] = na3;
                tileB[next + bk0 * Lead + br0] = nb0;
                tileB[next + bk1 * Lead + br1] = nb1;
                tileB[next + bk2 * Lead + br2] = nb2;
                tileB[next + bk3 * Lead + br3] = nb3;
            }
            Group.Barrier();
        }

        long cOffset = Grid.IdxZ * p.StrideC;
        Vec8.Store(c, cOffset, p, row0 + ty, col0 + tx, Edge, acc0);
        Vec8.Store(c, cOffset, p, row0 + ty + 16, col0 + tx, Edge, acc1);
        Vec8.Store(c, cOffset, p, row0 + ty + 32, col0 + tx, Edge, acc2);
        Vec8.Store(c, cOffset, p, row0 + ty + 48, col0 + tx, Edge, acc3);
        Vec8.Store(c, cOffset, p, row0 + ty + 64, col0 + tx, Edge, acc4);
        Vec8.Store(c, cOffset, p, row0 + ty + 80, col0 + tx, Edge, acc5);
        Vec8.Store(c, cOffset, p, row0 + ty + 96, col0 + tx, Edge, acc6);
        Vec8.Store(c, cOffset, p, row0 + ty + 112, col0 + tx, Edge, acc7);
    }
}
