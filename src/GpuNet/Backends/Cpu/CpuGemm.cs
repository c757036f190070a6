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
/// <see cref="MaxKBlock"/>: it packs into per-worker scratch only what the micro-kernel cannot read
/// in place (see <see cref="Slivers"/>: the training GEMMs' A operands, and B of NN and TN, are read
/// as they are stored), then runs the micro-kernel over the block,
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
    // Below this many flops a second thread costs more to wake than it saves.
    private const double MinParallelFlops = 1 << 21;

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
        // The kernel reads B in place where its rows already are Nr consecutive values per k (NN
        // and TN), and A in place always (as stored Aᵀ, KMajor, or row by row, RowMajor), unless the
        // stride would crowd a few cache sets; only what it cannot read as it is gets packed.
        bool bInPlace = bRow == 1 && SpreadsOverCache(bK);
        bool aInPlace = SpreadsOverCache(_shape.TransA ? aK : aRow);
        ref var scratch = ref _scratch[worker];
        ref float edgeTile = ref scratch.EdgeTile.Start;

        for (int k0 = 0; k0 < k; k0 += _kBlock)
        {
            int kc = Math.Min(_kBlock, k - k0);
            var slivers = new Slivers(ref Unsafe.Add(ref baseB, (nint)j0 * bRow + (nint)k0 * bK), bRow, bK, bK, cols, kc, TKernel.Nr, bInPlace, ref scratch.PackedB.Start);
            // The first K block applies the caller's beta; later blocks add onto it. Every element
            // still sees its K blocks in order, so the result does not depend on the tiling.
            float beta = k0 == 0 ? _shape.Beta : 1f;
            for (int tile = firstTile; tile < endTile; tile++)
            {
                int i0 = tile * _tileRows, rows = Math.Min(_tileRows, m - i0);
                ref float blockA = ref Unsafe.Add(ref baseA, (nint)i0 * aRow + (nint)k0 * aK);
                ref float tileC = ref Unsafe.Add(ref baseC, (nint)i0 * n + j0);
                if (_shape.TransA)
                {
                    var a = new Slivers(ref blockA, aRow, aK, aK, rows, kc, TKernel.Mr, aInPlace, ref scratch.PackedA.Start);
                    MacroKernel<KMajor>(kc, rows, cols, a, slivers, ref tileC, n, _shape.Alpha, beta, ref edgeTile);
                }
                else
                {
                    var a = new Slivers(ref blockA, aRow, aK, aRow, rows, kc, TKernel.Mr, aInPlace, ref scratch.PackedA.Start);
                    MacroKernel<RowMajor>(kc, rows, cols, a, slivers, ref tileC, n, _shape.Alpha, beta, ref edgeTile);
                }
            }
        }
    }

    /// <summary>
    /// Whether a sliver read in place with this stride (floats) between its k steps or rows spreads
    /// over the L1 cache's sets. A stride of a multiple of 128 floats (512 bytes) puts every step in
    /// one eighth of the sets or fewer, and the 1024³ GEMM lost a third of its speed to the misses.
    /// </summary>
    private static bool SpreadsOverCache(int stride) => stride % 128 != 0;

    /// <summary>
    /// One operand's K block as the micro-kernel reads it: each full sliver in place or, where the
    /// operand cannot be read in place, packed; a partial last sliver always packed (zero-padded),
    /// so the kernel never reads past the operand.
    /// </summary>
    private readonly ref struct Slivers
    {
        private readonly ref float _source, _panel;
        private readonly nint _rowStride;
        private readonly int _packedFrom, _kc;

        /// <summary>The kernel's stride for a sliver read in place (for a packed one it is the sliver width).</summary>
        public readonly nint InPlaceStride;

        public Slivers(ref float source, int rowStride, int kStride, int inPlaceStride, int rows, int kc, int width, bool inPlace, ref float panel)
        {
            _source = ref source;
            _panel = ref panel;
            _rowStride = rowStride;
            _kc = kc;
            InPlaceStride = inPlaceStride;
            _packedFrom = inPlace ? rows / width * width : 0;
            if (_packedFrom < rows)
                GemmPacking.Pack(ref Unsafe.Add(ref source, (nint)_packedFrom * rowStride), rowStride, kStride, rows - _packedFrom, kc, width, ref panel);
        }

        public bool InPlace(int row) => row < _packedFrom;

        /// <summary>The sliver that starts at <paramref name="row"/>, a multiple of the sliver width.</summary>
        public ref float At(int row) => ref row < _packedFrom
            ? ref Unsafe.Add(ref _source, row * _rowStride)
            : ref Unsafe.Add(ref _panel, (nint)(row - _packedFrom) * _kc);
    }

    // Optimised at once, not tiered up: a kernel instance first reached by a small GEMM stayed in
    // unoptimised code for the first second or so of calls (9 GFLOP/s instead of 60 on one core).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<TA>(int kc, int rows, int cols, in Slivers a, in Slivers b, ref float tileC, int ldc, float alpha, float beta, ref float edgeTile)
        where TA : struct, ISliverLayout
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        for (int jr = 0; jr < cols; jr += nr)
        {
            ref float sliverB = ref b.At(jr);
            nint bStride = b.InPlace(jr) ? b.InPlaceStride : nr;
            int validCols = Math.Min(nr, cols - jr);
            for (int ir = 0; ir < rows; ir += mr)
            {
                ref float dst = ref Unsafe.Add(ref tileC, (nint)ir * ldc + jr);
                int validRows = Math.Min(mr, rows - ir);
                if (a.InPlace(ir))
                    Tile<TA>(kc, ref a.At(ir), a.InPlaceStride, ref sliverB, bStride, ref dst, ldc, validRows, validCols, alpha, beta, ref edgeTile);
                else
                    Tile<KMajor>(kc, ref a.At(ir), mr, ref sliverB, bStride, ref dst, ldc, validRows, validCols, alpha, beta, ref edgeTile);
            }
        }
    }

    // A partial tile runs the full kernel on scratch (holding C's valid part when beta reads it),
    // then copies the valid part back: same arithmetic as the interior, no reads or writes past C.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TA>(int kc, ref float sliverA, nint aStride, ref float sliverB, nint bStride, ref float dst, int ldc,
        int validRows, int validCols, float alpha, float beta, ref float scratch) where TA : struct, ISliverLayout
    {
        int nr = TKernel.Nr;
        if (validRows == TKernel.Mr && validCols == nr)
        {
            TKernel.Run<TA>(kc, ref sliverA, aStride, ref sliverB, bStride, ref dst, ldc, alpha, beta);
            return;
        }
        if (beta != 0f)
            CopyRows(ref dst, ldc, ref scratch, nr, validRows, validCols);
        TKernel.Run<TA>(kc, ref sliverA, aStride, ref sliverB, bStride, ref scratch, nr, alpha, beta);
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
