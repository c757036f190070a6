using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// Copies a block of an operand into the layout the micro-kernel streams: slivers of
/// <c>width</c> rows, each stored k-major (for every k, <c>width</c> consecutive values), the last
/// sliver zero-padded. A (rows = M) and B (rows = N, i.e. op(B) read column by column) share it;
/// transposition is only a choice of strides, so no operand is ever transposed whole.
/// </summary>
internal static class GemmPacking
{
    /// <param name="src">Element (row 0, k 0) of the block.</param>
    /// <param name="rowStride">Distance between consecutive rows of the block in src.</param>
    /// <param name="kStride">Distance between consecutive k in src.</param>
    public static void Pack(ref float src, int rowStride, int kStride, int rows, int kc, int width, ref float dst)
    {
        for (int s0 = 0; s0 < rows; s0 += width)
        {
            int valid = Math.Min(width, rows - s0);
            ref float sliver = ref Unsafe.Add(ref dst, (nint)s0 * kc);
            ref float first = ref Unsafe.Add(ref src, (nint)s0 * rowStride);
            if (rowStride == 1)
                PackContiguousRows(ref first, kStride, valid, kc, width, ref sliver);
            else
                PackStridedRows(ref first, rowStride, kStride, valid, kc, width, ref sliver);
        }
    }

    // The sliver's rows sit side by side in memory for each k: one block copy per k.
    private static void PackContiguousRows(ref float src, int kStride, int valid, int kc, int width, ref float dst)
    {
        uint bytes = (uint)valid * sizeof(float);
        for (int k = 0; k < kc; k++)
        {
            ref float to = ref Unsafe.Add(ref dst, (nint)k * width);
            Unsafe.CopyBlockUnaligned(ref Unsafe.As<float, byte>(ref to),
                ref Unsafe.As<float, byte>(ref Unsafe.Add(ref src, (nint)k * kStride)), bytes);
            for (int r = valid; r < width; r++)
                Unsafe.Add(ref to, r) = 0f;
        }
    }

    // Each row is read along k (contiguous when kStride == 1) and scattered with step width.
    private static void PackStridedRows(ref float src, int rowStride, int kStride, int valid, int kc, int width, ref float dst)
    {
        int r = 0;
        // Rows contiguous along k (op(B) = Wᵀ in the forward pass, A = X): transpose 8×8 blocks in
        // registers instead of scattering one float at a time, which made the batch-32 forward GEMM
        // 3.4 times slower than the same-flop dW GEMM (perf/RESULTS.md, "What changed in this round",
        // item 1, from `gpunet bench --profile`). A pure copy either way: the results are identical.
        if (kStride == 1 && Avx.IsSupported)
        {
            for (; r + 8 <= valid; r += 8)
                TransposeRows<Transpose8>(ref Unsafe.Add(ref src, (nint)r * rowStride), rowStride, kc, width, ref Unsafe.Add(ref dst, r));
            for (; r + 4 <= valid; r += 4) // the 6-row A slivers of the AVX2 kernel: 4 rows here, 2 below
                TransposeRows<Transpose4>(ref Unsafe.Add(ref src, (nint)r * rowStride), rowStride, kc, width, ref Unsafe.Add(ref dst, r));
        }
        for (; r < width; r++)
        {
            ref float to = ref Unsafe.Add(ref dst, r);
            if (r >= valid)
            {
                for (int k = 0; k < kc; k++)
                    Unsafe.Add(ref to, (nint)k * width) = 0f;
                continue;
            }
            ref float from = ref Unsafe.Add(ref src, (nint)r * rowStride);
            for (int k = 0; k < kc; k++)
                Unsafe.Add(ref to, (nint)k * width) = Unsafe.Add(ref from, (nint)k * kStride);
        }
    }

    // Rows source rows (k contiguous, rowStride apart) into that many consecutive packed columns:
    // dst[k·width + i] = src[i·rowStride + k] for i < TBlock.Rows, k < kc. Whole Rows×Rows blocks go
    // through registers, the last kc % Rows steps one float at a time.
    private static void TransposeRows<TBlock>(ref float src, int rowStride, int kc, int width, ref float dst)
        where TBlock : struct, ITransposeBlock
    {
        int rows = TBlock.Rows, k = 0;
        for (; k + rows <= kc; k += rows)
            TBlock.Transpose(ref Unsafe.Add(ref src, k), rowStride, ref Unsafe.Add(ref dst, (nint)k * width), width);
        for (; k < kc; k++)
            for (int i = 0; i < rows; i++)
                Unsafe.Add(ref dst, (nint)k * width + i) = Unsafe.Add(ref src, (nint)i * rowStride + k);
    }

    /// <summary>A square block transposed in registers: a type argument, so the JIT compiles TransposeRows once per block size.</summary>
    private interface ITransposeBlock
    {
        static abstract int Rows { get; }
        static abstract void Transpose(ref float src, int rowStride, ref float dst, int width);
    }

    // 4×4 with 128-bit vectors.
    private struct Transpose4 : ITransposeBlock
    {
        public static int Rows => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Transpose(ref float src, int rowStride, ref float dst, int width)
        {
            var r0 = Vector128.LoadUnsafe(ref src);
            var r1 = Vector128.LoadUnsafe(ref src, (nuint)rowStride);
            var r2 = Vector128.LoadUnsafe(ref src, (nuint)(2 * rowStride));
            var r3 = Vector128.LoadUnsafe(ref src, (nuint)(3 * rowStride));
            var t0 = Sse.UnpackLow(r0, r1); var t1 = Sse.UnpackLow(r2, r3);
            var t2 = Sse.UnpackHigh(r0, r1); var t3 = Sse.UnpackHigh(r2, r3);
            Sse.MoveLowToHigh(t0, t1).StoreUnsafe(ref dst);
            Sse.MoveHighToLow(t1, t0).StoreUnsafe(ref dst, (nuint)width);
            Sse.MoveLowToHigh(t2, t3).StoreUnsafe(ref dst, (nuint)(2 * width));
            Sse.MoveHighToLow(t3, t2).StoreUnsafe(ref dst, (nuint)(3 * width));
        }
    }

    // 8×8 with 256-bit vectors: unpack pairs of rows, shuffle quads, then swap 128-bit halves.
    private struct Transpose8 : ITransposeBlock
    {
        public static int Rows => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Transpose(ref float src, int rowStride, ref float dst, int width)
        {
            var r0 = Row(ref src, 0, rowStride); var r1 = Row(ref src, 1, rowStride);
            var r2 = Row(ref src, 2, rowStride); var r3 = Row(ref src, 3, rowStride);
            var r4 = Row(ref src, 4, rowStride); var r5 = Row(ref src, 5, rowStride);
            var r6 = Row(ref src, 6, rowStride); var r7 = Row(ref src, 7, rowStride);
            var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
            var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
            Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref dst, (nuint)width);
            Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref dst, (nuint)(2 * width));
            Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref dst, (nuint)(3 * width));
            Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref dst, (nuint)(4 * width));
            Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref dst, (nuint)(5 * width));
            Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref dst, (nuint)(6 * width));
            Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref dst, (nuint)(7 * width));
        }

        private static Vector256<float> Row(ref float src, int row, int rowStride) => Vector256.LoadUnsafe(ref src, (nuint)(row * rowStride));
    }
}

/// <summary>
/// A scratch array that grows and is then reused, so steady-state GEMMs allocate nothing. Pinned
/// and handed out 64-byte aligned: every 512-bit load of a packed panel then stays inside one
/// cache line.
/// </summary>
internal struct ScratchBuffer
{
    private const int AlignFloats = 16;
    private float[]? _array;
    private int _start;

    /// <summary>Grows the buffer to hold at least <paramref name="length"/> floats.</summary>
    public unsafe void Reserve(int length)
    {
        if (_array is not null && _array.Length - _start >= length)
            return;
        _array = GC.AllocateUninitializedArray<float>(length + AlignFloats, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        _start = (int)((AlignFloats * sizeof(float) - address % (AlignFloats * sizeof(float))) / sizeof(float)) % AlignFloats;
    }

    /// <summary>The first aligned float of what <see cref="Reserve"/> made room for.</summary>
    public readonly ref float Start => ref _array![_start];
}
