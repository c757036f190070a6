namespace GpuNet.Backends;

/// <summary>
/// One (batched) row-major GEMM: C = Alpha·op(A)·op(B) + Beta·C, where op(A) is M×K and
/// op(B) is K×N. A is stored M×K, or K×M when <see cref="TransA"/>; B is stored K×N, or N×K
/// when <see cref="TransB"/>; C is M×N. All leading dimensions are tight. With Beta == 0, C is
/// only written, never read (BLAS semantics: NaN in C does not leak). Batch b uses
/// A + b·StrideA, B + b·StrideB, C + b·StrideC (element strides).
/// </summary>
public readonly record struct GemmShape(
    bool TransA, bool TransB, int M, int N, int K,
    float Alpha = 1f, float Beta = 0f,
    int Batch = 1, long StrideA = 0, long StrideB = 0, long StrideC = 0)
{
    /// <summary>Elements of A, B and C that the GEMM touches, for bounds checks.</summary>
    public long ExtentA => (long)(Batch - 1) * StrideA + (long)M * K;
    public long ExtentB => (long)(Batch - 1) * StrideB + (long)K * N;
    public long ExtentC => (long)(Batch - 1) * StrideC + (long)M * N;

    public double Flops => 2.0 * M * N * K * Batch;
}
