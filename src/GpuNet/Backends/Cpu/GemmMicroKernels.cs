using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// The register-blocked core of <see cref="CpuGemm{TKernel}"/>: an Mr×Nr tile of C from one packed
/// A sliver (kc steps of Mr values) and one packed B sliver (kc steps of Nr values).
/// Each element sums its kc products in k order with one FMA per step, then stores
/// dst = alpha·acc + beta·dst (beta == 0: dst is not read). The driver hands partial tiles a
/// scratch tile, so the kernel always runs full width and every element rounds the same way.
/// </summary>
internal interface IGemmMicroKernel
{
    static abstract int Mr { get; }
    static abstract int Nr { get; }
    static abstract void Run(int kc, ref float a, ref float b, ref float dst, int ldd, float alpha, float beta);
}

/// <summary>8×32 tile with AVX-512: 16 zmm accumulators, 2 B loads and 8 broadcasts per k step.</summary>
internal struct Vector512Kernel : IGemmMicroKernel
{
    public static int Mr => 8;
    public static int Nr => 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CpuGemm.MacroKernel
    public static void Run(int kc, ref float a, ref float b, ref float dst, int ldd, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, 16);
            var a0 = Vector512.Create(a);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00); c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10); c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20); c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30); c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40); c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50); c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(Unsafe.Add(ref a, 6));
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60); c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(Unsafe.Add(ref a, 7));
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70); c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a = ref Unsafe.Add(ref a, 8);
            b = ref Unsafe.Add(ref b, 32);
        }
        StoreRow(ref dst, c00, c01, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, ldd), c10, c11, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 2 * ldd), c20, c21, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 3 * ldd), c30, c31, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 4 * ldd), c40, c41, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 5 * ldd), c50, c51, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 6 * ldd), c60, c61, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 7 * ldd), c70, c71, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref float row, Vector512<float> acc0, Vector512<float> acc1, float alpha, float beta)
    {
        Store(ref row, acc0, alpha, beta);
        Store(ref Unsafe.Add(ref row, 16), acc1, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float c, Vector512<float> acc, float alpha, float beta)
    {
        var v = acc * alpha;
        if (beta != 0f)
            v += Vector512.LoadUnsafe(ref c) * beta;
        v.StoreUnsafe(ref c);
    }
}

/// <summary>
/// 6×(2·Vector&lt;float&gt;.Count) tile for every other machine (AVX2: 6×16 in 12 ymm accumulators,
/// which fits the 16 registers with the 2 B loads and a broadcast).
/// </summary>
internal struct PortableVectorKernel : IGemmMicroKernel
{
    public static int Mr => 6;
    public static int Nr => 2 * Vector<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CpuGemm.MacroKernel
    public static void Run(int kc, ref float a, ref float b, ref float dst, int ldd, float alpha, float beta)
    {
        int w = Vector<float>.Count;
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector.LoadUnsafe(ref b);
            var b1 = Vector.LoadUnsafe(ref b, (nuint)w);
            var a0 = new Vector<float>(a);
            c00 = Vector.FusedMultiplyAdd(a0, b0, c00); c01 = Vector.FusedMultiplyAdd(a0, b1, c01);
            var a1 = new Vector<float>(Unsafe.Add(ref a, 1));
            c10 = Vector.FusedMultiplyAdd(a1, b0, c10); c11 = Vector.FusedMultiplyAdd(a1, b1, c11);
            var a2 = new Vector<float>(Unsafe.Add(ref a, 2));
            c20 = Vector.FusedMultiplyAdd(a2, b0, c20); c21 = Vector.FusedMultiplyAdd(a2, b1, c21);
            var a3 = new Vector<float>(Unsafe.Add(ref a, 3));
            c30 = Vector.FusedMultiplyAdd(a3, b0, c30); c31 = Vector.FusedMultiplyAdd(a3, b1, c31);
            var a4 = new Vector<float>(Unsafe.Add(ref a, 4));
            c40 = Vector.FusedMultiplyAdd(a4, b0, c40); c41 = Vector.FusedMultiplyAdd(a4, b1, c41);
            var a5 = new Vector<float>(Unsafe.Add(ref a, 5));
            c50 = Vector.FusedMultiplyAdd(a5, b0, c50); c51 = Vector.FusedMultiplyAdd(a5, b1, c51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 2 * w);
        }
        StoreRow(ref dst, c00, c01, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, ldd), c10, c11, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 2 * ldd), c20, c21, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 3 * ldd), c30, c31, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 4 * ldd), c40, c41, alpha, beta);
        StoreRow(ref Unsafe.Add(ref dst, 5 * ldd), c50, c51, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref float row, Vector<float> acc0, Vector<float> acc1, float alpha, float beta)
    {
        Store(ref row, acc0, alpha, beta);
        Store(ref Unsafe.Add(ref row, Vector<float>.Count), acc1, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float c, Vector<float> acc, float alpha, float beta)
    {
        var v = acc * alpha;
        if (beta != 0f)
            v += Vector.LoadUnsafe(ref c) * beta;
        v.StoreUnsafe(ref c);
    }
}
