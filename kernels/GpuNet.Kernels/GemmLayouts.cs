using System.Runtime.CompilerServices;

namespace GpuNet.Kernels;

/// <summary>
/// Where op(X)[r, k] of a GEMM operand lives in memory, as a type: a rung specialised on two
/// of these (one per operand) has no transpose test left inside its loops, and ILGPU compiles
/// one kernel per combination (<see cref="GemmDoubleBuffered128.Kernel{TA, TB, TE}"/>).
/// r runs over M for A and over N for B; <c>rows</c> is that extent.
/// </summary>
public interface IGemmLayout
{
    /// <summary>Element offset of op(X)[r, k] for an operand with <paramref name="rows"/> rows and depth <paramref name="depth"/>.</summary>
    int Offset(int r, int k, int rows, int depth);

    /// <summary>Elements between op(X)[r, k] and op(X)[r, k + 1].</summary>
    int KStride(int rows);

    /// <summary>Whether consecutive k are adjacent in memory (decides which threads load which elements).</summary>
    bool KContiguous { get; }
}

/// <summary>op(X) stored rows×K row-major: A without transpose, B with it.</summary>
public struct KContiguousLayout : IGemmLayout
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Offset(int r, int k, int rows, int depth) => r * depth + k;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int KStride(int rows) => 1;

    public readonly bool KContiguous => true;
}

/// <summary>op(X) stored K×rows row-major: A with transpose, B without it.</summary>
public struct RContiguousLayout : IGemmLayout
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Offset(int r, int k, int rows, int depth) => k * rows + r;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int KStride(int rows) => rows;

    public readonly bool KContiguous => false;
}
