using ILGPU;

namespace GpuNet.Kernels;

/// <summary>
/// Rung 1 of the GEMM ladder: classic shared-memory tiling. A 16×16 group computes a 16×16
/// block of C, one output per thread; per step of 16 along K every thread loads one element
/// of A and one of B into shared memory, so each global element is read M/16 (or N/16)
/// times instead of M (or N) times.
///
/// Written for PoCL too: shared views are used only inside this method (never passed to
/// helpers or stored in structs), and no atomics are used.
/// </summary>
public static class GemmTiled16
{
    /// <summary>Tile edge; the launch must use a Tile×Tile group.</summary>
    public const int Tile = 16;

    /// <summary>
    /// Launch with grid (ceil(N/16), ceil(M/16), batch) and group (16, 16, 1).
    /// </summary>
    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> e, GemmParams p)
    {
        if (GemmEpilogues.IsRowSumGroup(p, Tile))
        {
            GemmEpilogues.RowSumGroup(a, e, p, Tile);
            return;
        }

        // tileA holds op(A)[row0 + i, k0 + k] at i*Tile + k; tileB holds op(B)[k0 + k, col0 + j] at k*Tile + j.
        var tileA = SharedMemory.Allocate<float>(Tile * Tile);
        var tileB = SharedMemory.Allocate<float>(Tile * Tile);

        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int row0 = Grid.IdxY * Tile;
        int col0 = Grid.IdxX * Tile;
        int batch = Grid.IdxZ;
        int row = row0 + ty;
        int col = col0 + tx;

        long aBase = batch * p.StrideA;
        long bBase = batch * p.StrideB;
        int aRow = ty * Tile;

        // Each thread stages one element of each operand per step. tx (the fastest-varying
        // thread index) walks the operand's contiguous direction, k for a k-contiguous operand
        // and rows otherwise, so global reads are coalesced in every layout. A is k-contiguous
        // when stored M×K, B when stored N×K.
        int aKc = p.TransA == 0 ? 1 : 0;
        int bKc = p.TransB != 0 ? 1 : 0;
        int aR = aKc != 0 ? ty : tx;
        int aK = aKc != 0 ? tx : ty;
        int bC = bKc != 0 ? ty : tx;
        int bK = bKc != 0 ? tx : ty;

        float acc = 0f;
        for (int k0 = 0; k0 < p.K; k0 += Tile)
        {
            tileA[aR * Tile + aK] = GemmTileIO.Element(a, aBase, aKc, p.M, p.K, row0 + aR, k0 + aK);
            tileB[bK * Tile + bC] = GemmTileIO.Element(b, bBase, bKc, p.N, p.K, col0 + bC, k0 + bK);
            Group.Barrier();

            // ILGPU 1.5.3 does not unroll loops, so the 16 multiply-adds are spelled out.
            acc += tileA[aRow + 0] * tileB[0 + tx];
            acc += tileA[aRow + 1] * tileB[16 + tx];
            acc += tileA[aRow + 2] * tileB[32 + tx];
            acc += tileA[aRow + 3] * tileB[48 + tx];
            acc += tileA[aRow + 4] * tileB[64 + tx];
            acc += tileA[aRow + 5] * tileB[80 + tx];
            acc += tileA[aRow + 6] * tileB[96 + tx];
            acc += tileA[aRow + 7] * tileB[112 + tx];
            acc += tileA[aRow + 8] * tileB[128 + tx];
            acc += tileA[aRow + 9] * tileB[144 + tx];
            acc += tileA[aRow + 10] * tileB[160 + tx];
            acc += tileA[aRow + 11] * tileB[176 + tx];
            acc += tileA[aRow + 12] * tileB[192 + tx];
            acc += tileA[aRow + 13] * tileB[208 + tx];
            acc += tileA[aRow + 14] * tileB[224 + tx];
            acc += tileA[aRow + 15] * tileB[240 + tx];

            // Nobody may overwrite the tiles while another thread still reads them.
            Group.Barrier();
        }

        GemmTileIO.Store<FusedStore>(c, batch * p.StrideC, e, batch * p.StrideE, p, row, col, acc);
    }
}
