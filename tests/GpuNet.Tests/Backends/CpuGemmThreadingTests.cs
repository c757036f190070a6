using GpuNet.Backends.Cpu;

namespace GpuNet.Tests.Backends;

/// <summary>
/// The cpu GEMM cuts C into tiles by the thread count; each element's sum must not depend on it.
/// The training shapes (forward NT, weight gradient TN, input gradient NN) on pools of 1, 2 and 3
/// threads, with both micro-kernels, must agree bit for bit.
/// </summary>
public sealed class CpuGemmThreadingTests
{
    // One pool per size for the whole class: a pool's threads live as long as the process.
    private static readonly CpuWorkers[] Pools = [new(1), new(2), new(3)];

    public static TheoryData<bool, bool, int, int, int> Shapes => new()
    {
        { false, true, 32, 256, 784 },
        { true, false, 256, 784, 32 },
        { false, false, 32, 784, 256 },
        { false, false, 100, 300, 256 }, // edge tiles along M and N
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_SameBits_WhateverTheThreadCount(bool transA, bool transB, int m, int n, int k)
    {
        var shape = new GemmShape(transA, transB, m, n, k, 1f, 0.5f);
        var random = new Random(7);
        float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n), c0 = RandomArray(random, m * n);
        foreach (bool vector512 in new[] { false, true })
        {
            float[]? first = null;
            foreach (var pool in Pools)
            {
                int threads = pool.Threads;
                ICpuGemm gemm = vector512 ? new CpuGemm<Vector512Kernel>(pool) : new CpuGemm<PortableVectorKernel>(pool);
                var c = new CpuBuffer<float>((float[])c0.Clone(), 0, c0.Length);
                gemm.Run(shape, new CpuBuffer<float>(a, 0, a.Length), new CpuBuffer<float>(b, 0, b.Length), c);
                first ??= c.Array;
                Assert.True(first.AsSpan().SequenceEqual(c.Array), $"{(vector512 ? "Vector512" : "Vector<T>")} kernel, {threads} threads: bits differ from 1 thread");
            }
        }
    }

    /// <summary>
    /// The Vector512 and Vector&lt;T&gt; kernels give the same bits (each element a chain of FMAs in K order, in the same K
    /// blocks), so a seed trains alike on AVX-512 and AVX2 machines; the training shapes, and the 10-class layer's.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(false, true, 128, 10, 784)]
    [InlineData(true, false, 10, 784, 128)]
    [InlineData(false, false, 128, 784, 10)]
    public void Gemm_SameBits_InEitherKernel(bool transA, bool transB, int m, int n, int k)
    {
        var shape = new GemmShape(transA, transB, m, n, k, 1f, 0.5f);
        var random = new Random(11);
        float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n), c0 = RandomArray(random, m * n);
        float[] Run(ICpuGemm gemm)
        {
            var c = new CpuBuffer<float>((float[])c0.Clone(), 0, c0.Length);
            gemm.Run(shape, new CpuBuffer<float>(a, 0, a.Length), new CpuBuffer<float>(b, 0, b.Length), c);
            return c.Array;
        }
        Assert.Equal(Run(new CpuGemm<PortableVectorKernel>(Pools[1])), Run(new CpuGemm<Vector512Kernel>(Pools[1])));
    }

    private static float[] RandomArray(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
