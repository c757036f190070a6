namespace GpuNet.Kernels;

/// <summary>
/// The GEMM ladder: each rung is one kernel in its own file, all computing the same
/// C = alpha·op(A)·op(B) + beta·C so that any rung can be swapped in and checked against
/// the others and measured rung by rung.
/// </summary>
public enum GemmKernel
{
    /// <summary>One thread per output element, no shared memory, no barriers (GemmNaive.cs).</summary>
    Naive = 0,
    /// <summary>16×16 shared-memory tiles, one output per thread (GemmTiled16.cs).</summary>
    Tiled16 = 1,
    /// <summary>64×64 blocks, 4×4 outputs per thread in registers (GemmRegister64.cs).</summary>
    Register64 = 2,
    /// <summary>128×128 blocks, 8×8 per thread, double-buffered shared memory, split-K when the blocks alone would not fill the device (GemmDoubleBuffered128.cs).</summary>
    DoubleBuffered128 = 3,
    /// <summary>Chosen per shape by the host (GemmPlan): Naive for a short K or a C that fills a sliver of its 128×128 blocks, else DoubleBuffered128 with split-K. The default on GPUs.</summary>
    Auto = 4,
}

/// <summary>
/// Scalar arguments of every GEMM rung, packed into one blittable struct so the kernel
/// delegates stay short. Storage follows <c>GemmShape</c>: A is M×K (K×M when TransA),
/// B is K×N (N×K when TransB), C is M×N, all row-major and tight; batch b is offset by
/// b·Stride elements. Flags are ints (0/1) because they cross the kernel boundary.
/// </summary>
public struct GemmParams
{
    public int M, N, K;
    public int TransA, TransB;
    public float Alpha, Beta;
    public long StrideA, StrideB, StrideC;
    /// <summary>
    /// Split-K (<see cref="GemmDoubleBuffered128"/> only): grid z = batch·Splits + s, and split s
    /// multiplies k in [s·SplitDepth, (s + 1)·SplitDepth) into plane z of C. Splits = 1 and
    /// SplitDepth ≥ K without split-K.
    /// </summary>
    public int Splits, SplitDepth;
    /// <summary>
    /// The <see cref="GemmEpilogueKind"/> fused into the launch, the <see cref="Kernels.Activation"/> it applies, and the
    /// stride between batches of its operand E. <see cref="GemmEpilogueKind.None"/> leaves E alone.
    /// </summary>
    public int Epilogue, EpilogueActivation;
    public long StrideE;
    /// <summary>Batches in the launch (the naive rung's row-sum threads follow its batch·M·N output threads).</summary>
    public int Batch;
}
