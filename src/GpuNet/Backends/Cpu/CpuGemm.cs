using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuNet.Backends.Cpu;

/// <summary>The GEMM built for this machine's vector width, behind one type.</summary>
internal interface ICpuGemm
{
    void Run(in GemmShape shape, CpuBuffer<float> a, CpuBuffer<float> b, CpuBuffer<float> c);
}

/// <summary>
/// A packed, cache-blocked GEMM (the BLIS loop structure). C is cut into tiles of up to
/// <see cref="MaxTileRows"/>×<see cref="MaxTileCols"/>; a work item is a run of tiles in one tile
/// column, so threads never share an output element. An item walks K in blocks of at most
/// <see cref="MaxKBlock"/>: it packs its B block once, then each tile's A block (L2-sized), into
/// per-worker scratch and runs the micro-kernel over them,
/// B sliver outer so one B sliver stays in L1 while the A slivers stream. The K blocking depends
/// only on K, and each block's sum is added to C in order, so every element's rounding is fixed
/// whatever the tiling or the thread count: results are bit-identical run after run.
/// One instance per backend holds the current op's arguments (no allocation per op).
/// </summary>
internal sealed class CpuGemm<TKernel> : ICpuGemm, IParallelWork where TKernel : struct, IGemmMicroKernel
{
    private const int MaxKBlock = 256;
    private const int MaxTileRows = 128;
    private const int MaxTileCols = 512;
    // Below this many flops a second thread costs more to wake than it saves. At 2^21 softmax 784-10's two GEMMs at
    // batch 128 (2.0 MFLOP each) ran on one thread; at 2^20 they take two, and no GEMM of the MLP's steps changes side
    // (`gpunet bench --profile --data fashion-mnist --model softmax --batch-sizes 128 --device cpu --seconds 2`:
    // 10x784x128 TN 0.097 → 0.037 ms, 128x10x784 NT 0.122 → 0.069 ms; perf/RESULTS.md, issue 16, round 4, item 2).
    private const double MinParallelFlops = 1 << 20;

    private readonly CpuWorkers _workers;
    // Packing scratch per worker number, grown on the caller's thread before each op to the op's
    // largest tile. Per thread and grown by the item at hand, it allocated whenever a thread first
    // drew a wider tile than before, which the dynamic hand-out of items made happen at random,
    // in the middle of warm training runs.
    private readonly WorkerScratch[] _scratch;
    private GemmShape _shape;
    private float[] _a = [], _b = [], _c = [];
    private int _offsetA, _offsetB, _offsetC;
    private int _tileRows, _tileCols, _tilesM, _tilesN, _rowGroups, _kBlock;

    public CpuGemm(CpuWorkers workers)
    {
        _workers = workers;
        _scratch = new WorkerScratch[workers.Threads];
    }

    public void Run(in GemmShape s, CpuBuffer<float> bufferA, CpuBuffer<float> bufferB, CpuBuffer<float> bufferC)
    {
        if (s.M == 0 || s.N == 0 || s.Batch == 0)
            return;
        if (s.K == 0)
        {
            ScaleOnly(s, bufferC);
            return;
        }
        (_shape, _a, _b, _c) = (s, bufferA.Array, bufferB.Array, bufferC.Array);
        (_offsetA, _offsetB, _offsetC) = (bufferA.Offset, bufferB.Offset, bufferC.Offset);
        _kBlock = CeilDiv(s.K, CeilDiv(s.K, MaxKBlock));
        int threads = s.Flops >= MinParallelFlops ? _workers.Threads : 1;
        ChooseTiles(threads);
        int items = s.Batch * _rowGroups * _tilesN;
        for (int w = 0; w < Math.Min(items, _scratch.Length); w++)
            _scratch[w].Reserve(RoundUp(_tileRows, TKernel.Mr) * _kBlock, _tileCols * _kBlock, TKernel.Mr * TKernel.Nr);
        try
        {
            _workers.Run(this, items);
        }
        finally
        {
            (_a, _b, _c) = ([], [], []); // drop the caller's arrays between ops
        }
    }

    /// <summary>
    /// Tiles of at most MaxTileRows×MaxTileCols, cut so the threads' shares come out as even as the
    /// Mr×Nr micro-tiles allow: the training GEMMs (M = 128, N = 784) would otherwise be a single
    /// tile, or two column tiles of 416 and 368 columns that left one core idle an eighth of the time.
    /// </summary>
    private void ChooseTiles(int threads)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        int m = _shape.M, n = _shape.N;
        int tm0 = CeilDiv(m, MaxTileRows), tn0 = CeilDiv(n, MaxTileCols);
        int tmMax = Math.Min(CeilDiv(m, mr), tm0 + 2 * threads), tnMax = Math.Min(CeilDiv(n, nr), tn0 + 2 * threads);
        (long span, int items, int tm, int tn) best = (long.MaxValue, 0, tm0, tn0);
        for (int tm = tm0; tm <= tmMax; tm++)
            for (int tn = tn0; tn <= tnMax; tn++)
            {
                var (tileRows, tileCols) = (RoundUp(CeilDiv(m, tm), mr), RoundUp(CeilDiv(n, tn), nr));
                var (tilesM, tilesN) = (CeilDiv(m, tileRows), CeilDiv(n, tileCols));
                int groups = RowGroups(threads, tilesM, tilesN);
                int items = _shape.Batch * groups * tilesN;
                // The busiest thread's micro-tiles: whole rounds of items of the largest size.
                long span = (long)CeilDiv(items, threads) * CeilDiv(tilesM, groups) * (tileRows / mr) * (tileCols / nr);
                if (span < best.span || (span == best.span && items < best.items))
                    best = (span, items, tm, tn);
            }
        _tileRows = RoundUp(CeilDiv(m, best.tm), mr);
        _tileCols = RoundUp(CeilDiv(n, best.tn), nr);
        _tilesM = CeilDiv(m, _tileRows);
        _tilesN = CeilDiv(n, _tileCols);
        _rowGroups = RowGroups(threads, _tilesM, _tilesN);
    }

    // A work item is a run of tile rows in one tile column, so its packed B block serves every
    // tile row of the run: as few runs as keep each thread busy (one per column when there are
    // enough columns). Packing B once per tile instead cost a 1024³ GEMM eight B packs.
    private int RowGroups(int threads, int tilesM, int tilesN) =>
        Math.Min(tilesM, Math.Max(1, CeilDiv(threads, _shape.Batch * tilesN)));

    public void Execute(int item, int worker)
    {
        int itemsPerBatch = _rowGroups * _tilesN;
        int batch = item / itemsPerBatch;
        int group = item % itemsPerBatch / _tilesN;
        int j0 = item % _tilesN * _tileCols;
        int firstTile = group * _tilesM / _rowGroups, endTile = (group + 1) * _tilesM / _rowGroups;
        int cols = Math.Min(_tileCols, _shape.N - j0);
        int m = _shape.M, n = _shape.N, k = _shape.K;

        ref float baseA = ref Element(_a, _offsetA + batch * _shape.StrideA);
        ref float baseB = ref Element(_b, _offsetB + batch * _shape.StrideB);
        ref float baseC = ref Element(_c, _offsetC + batch * _shape.StrideC);
        // op(A)[i, k] and op(B)[k, j] as (row, k) strides of the packed row dimension.
        (int aRow, int aK) = _shape.TransA ? (1, m) : (k, 1);
        (int bRow, int bK) = _shape.TransB ? (k, 1) : (1, n);
        ref var scratch = ref _scratch[worker];
        ref float panelA = ref scratch.PackedA.Start;
        ref float panelB = ref scratch.PackedB.Start;
        ref float edgeTile = ref scratch.EdgeTile.Start;

        for (int k0 = 0; k0 < k; k0 += _kBlock)
        {
            int kc = Math.Min(_kBlock, k - k0);
            GemmPacking.Pack(ref Unsafe.Add(ref baseB, (nint)j0 * bRow + (nint)k0 * bK), bRow, bK, cols, kc, TKernel.Nr, ref panelB);
            // The first K block applies the caller's beta; later blocks add onto it. Every element
            // still sees its K blocks in order, so the result does not depend on the tiling.
            float beta = k0 == 0 ? _shape.Beta : 1f;
            for (int tile = firstTile; tile < endTile; tile++)
            {
                int i0 = tile * _tileRows, rows = Math.Min(_tileRows, m - i0);
                GemmPacking.Pack(ref Unsafe.Add(ref baseA, (nint)i0 * aRow + (nint)k0 * aK), aRow, aK, rows, kc, TKernel.Mr, ref panelA);
                MacroKernel(kc, rows, cols, ref panelA, ref panelB, ref Unsafe.Add(ref baseC, (nint)i0 * n + j0), n, _shape.Alpha, beta, ref edgeTile);
            }
        }
    }

    // Optimised at once, not tiered up: a kernel first reached by a few large GEMMs (39 ms each at 1024³
    // on one core of a Xeon with AVX-512: `taskset -c 0 gpunet bench --op gemm --sizes 1024 --device cpu
    // --steps 5 --warmup-steps 1`) ran in unoptimised code for the whole of a short benchmark.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(int kc, int rows, int cols, ref float panelA, ref float panelB, ref float tileC, int ldc, float alpha, float beta, ref float edgeTile)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        for (int jr = 0; jr < cols; jr += nr)
        {
            ref float sliverB = ref Unsafe.Add(ref panelB, (nint)jr * kc);
            for (int ir = 0; ir < rows; ir += mr)
            {
                ref float sliverA = ref Unsafe.Add(ref panelA, (nint)ir * kc);
                ref float dst = ref Unsafe.Add(ref tileC, (nint)ir * ldc + jr);
                int validRows = Math.Min(mr, rows - ir), validCols = Math.Min(nr, cols - jr);
                if (validRows == mr && validCols == nr)
                    TKernel.Run(kc, ref sliverA, ref sliverB, ref dst, ldc, alpha, beta);
                else
                    EdgeTile(kc, ref sliverA, ref sliverB, ref dst, ldc, validRows, validCols, alpha, beta, ref edgeTile);
            }
        }
    }

    // A partial tile runs the full kernel on scratch (holding C's valid part when beta reads it),
    // then copies the valid part back: same arithmetic as the interior, no reads or writes past C.
    private static void EdgeTile(int kc, ref float sliverA, ref float sliverB, ref float dst, int ldc, int validRows, int validCols, float alpha, float beta, ref float scratch)
    {
        int nr = TKernel.Nr;
        if (beta != 0f)
            CopyRows(ref dst, ldc, ref scratch, nr, validRows, validCols);
        TKernel.Run(kc, ref sliverA, ref sliverB, ref scratch, nr, alpha, beta);
        CopyRows(ref scratch, nr, ref dst, ldc, validRows, validCols);
    }

    private static void CopyRows(ref float from, int ldFrom, ref float to, int ldTo, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref from, (nint)r * ldFrom), cols)
                .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref to, (nint)r * ldTo), cols));
    }

    // K == 0: op(A)·op(B) is all zeros, so C = beta·C (and beta == 0 still must not read C).
    private static void ScaleOnly(in GemmShape s, CpuBuffer<float> bufferC)
    {
        for (int batch = 0; batch < s.Batch; batch++)
        {
            var block = bufferC.Array.AsSpan(checked((int)(bufferC.Offset + batch * s.StrideC)), s.M * s.N);
            for (int i = 0; i < block.Length; i++)
                block[i] = s.Beta == 0f ? 0f : s.Beta * block[i];
        }
    }

    private static ref float Element(float[] array, long index) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)index);

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}

/// <summary>One worker's packing scratch: A and B panels and the Mr×Nr tile that edge tiles run on.</summary>
internal struct WorkerScratch
{
    public ScratchBuffer PackedA, PackedB, EdgeTile;

    public void Reserve(int panelA, int panelB, int edgeTile)
    {
        PackedA.Reserve(panelA);
        PackedB.Reserve(panelB);
        EdgeTile.Reserve(edgeTile);
    }
}
