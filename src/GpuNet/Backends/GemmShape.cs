namespace GpuNet.Backends;

/// <summary>
/// One (batched) row-major GEMM: C = Alpha·op(A)·op(B) + Beta·C, where op(A) is M×K and
/// op(B) is K×N. A is stored M×K, or K×M when <see cref="TransA"/>; B is stored K×N, or N×K
/// when <see cref="TransB"/>; C is M×N. All leading dimensions are tight. With Beta == 0, C is
/// only written, never read (BLAS semantics: NaN in C does not leak). Batch b uses
/// A + b·StrideA, B + b·StrideB, C + b·StrideC (element strides). A shape with M, N or Batch 0 is empty: a no-op
/// that reads and writes nothing (as BLAS and torch.bmm treat it); <see cref="Validate"/> is every backend's one check.
/// </summary>
public readonly record struct GemmShape(
    bool TransA, bool TransB, int M, int N, int K,
    float Alpha = 1f, float Beta = 0f,
    int Batch = 1, long StrideA = 0, long StrideB = 0, long StrideC = 0)
{
    /// <summary>Elements of A, B and C that the GEMM touches, for bounds checks (0 for an empty shape).</summary>
    public long ExtentA => IsEmpty ? 0 : (long)(Batch - 1) * StrideA + (long)M * K;
    public long ExtentB => IsEmpty ? 0 : (long)(Batch - 1) * StrideB + (long)K * N;
    public long ExtentC => IsEmpty ? 0 : (long)(Batch - 1) * StrideC + (long)M * N;

    /// <summary>No element of C to write: M, N or Batch is 0.</summary>
    public bool IsEmpty => M == 0 || N == 0 || Batch == 0;

    /// <summary>
    /// The argument checks every backend makes before a GEMM: sizes, batch count and strides non-negative, and the batches
    /// of C apart (StrideC ≥ M·N when Batch &gt; 1), since batches that overlap would race on a device.
    /// </summary>
    public void Validate()
    {
        if (M < 0 || N < 0 || K < 0)
            throw new ArgumentOutOfRangeException("shape", this, $"GEMM sizes must be non-negative (M={M}, N={N}, K={K})");
        if (Batch < 0)
            throw new ArgumentOutOfRangeException("shape", this, $"GEMM batch count must be non-negative (got {Batch})");
        if (StrideA < 0 || StrideB < 0 || StrideC < 0)
            throw new ArgumentOutOfRangeException("shape", this, "GEMM strides must be non-negative");
        if (Batch > 1 && StrideC < (long)M * N)
            throw new ArgumentOutOfRangeException("shape", this, $"GEMM StrideC {StrideC} would make batches of C overlap (M·N = {(long)M * N})");
    }

    public double Flops => 2.0 * M * N * K * Batch;
}
