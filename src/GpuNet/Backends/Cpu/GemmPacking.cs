using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        for (int r = 0; r < width; r++)
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
}

/// <summary>
/// A per-thread scratch array that grows and is then reused, so steady-state GEMMs allocate
/// nothing. Pinned and handed out 64-byte aligned: every 512-bit load of a packed panel then
/// stays inside one cache line.
/// </summary>
internal struct ScratchBuffer
{
    private const int AlignFloats = 16;
    private float[]? array;
    private int start;

    public unsafe ref float Get(int length)
    {
        if (array is null || array.Length - start < length)
        {
            array = GC.AllocateUninitializedArray<float>(length + AlignFloats, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            start = (int)((AlignFloats * sizeof(float) - address % (AlignFloats * sizeof(float))) / sizeof(float)) % AlignFloats;
        }
        return ref array[start];
    }
}
