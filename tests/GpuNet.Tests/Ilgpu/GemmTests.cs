using GpuNet.Backends;
using GpuNet.Backends.Ilgpu;
using GpuNet.Kernels;
using GpuNet.Reference;

namespace GpuNet.Tests.Ilgpu;

/// <summary>
/// Every GEMM rung × transpose × awkward size (none a multiple of the 16-wide tile), with
/// alpha/beta and a strided batch, against <see cref="ReferenceOps.Gemm"/>. C is poisoned with NaN when
/// beta == 0 (BLAS semantics: C must not be read); batch padding must stay untouched.
/// </summary>
public abstract class GemmTestsBase(IlgpuFixture fixture)
{
    public static IEnumerable<TheoryDataRow<GemmKernel, bool, bool, int, int, int, float, float, int>> Cases()
    {
        // (129, 65, 17): several blocks of every rung along M and N, and three K stages of the
        // double-buffered rung, so both of its buffers are used and reused.
        (int M, int N, int K)[] sizes = [(1, 1, 1), (7, 33, 5), (33, 7, 129), (17, 129, 3), (129, 65, 17)];
        (bool A, bool B)[] trans = [(false, false), (false, true), (true, false), (true, true)];
        foreach (var kernel in Enum.GetValues<GemmKernel>())
        {
            foreach (var (ta, tb) in trans)
            {
                foreach (var (m, n, k) in sizes)
                    yield return new(kernel, ta, tb, m, n, k, 1f, 0f, 1);
                yield return new(kernel, ta, tb, 7, 33, 5, -0.75f, 0.5f, 1);
                yield return new(kernel, ta, tb, 33, 7, 129, 2f, -1.25f, 1);
                yield return new(kernel, ta, tb, 17, 20, 9, 1f, 0f, 2);
                yield return new(kernel, ta, tb, 7, 33, 5, 0.5f, 1f, 2);
            }
            // K == 0: C = beta·C (alpha·0), still fully written.
            yield return new(kernel, false, false, 5, 3, 0, 1f, 0f, 1);
            yield return new(kernel, false, false, 5, 3, 0, 1f, 2f, 1);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesFloat64Reference(GemmKernel kernel, bool transA, bool transB, int m, int n, int k, float alpha, float beta, int batch)
    {
        var backend = fixture.Get();
        backend.GemmKernel = kernel;
        CheckGemm(backend, transA, transB, m, n, k, alpha, beta, batch);
    }

    internal static void CheckGemm(IlgpuBackend backend, bool transA, bool transB, int m, int n, int k, float alpha, float beta, int batch)
    {
        // Strides leave a few padding elements between batches, to catch writes past a batch.
        long strideA = batch > 1 ? (long)m * k + 3 : 0;
        long strideB = batch > 1 ? (long)k * n + 5 : 0;
        long strideC = batch > 1 ? (long)m * n + 7 : 0;
        var shape = new GemmShape(transA, transB, m, n, k, alpha, beta, batch, strideA, strideB, strideC);

        var rng = new Random(HashCode.Combine(transA, transB, m, n, k, batch));
        float[] a = Random(rng, (int)shape.ExtentA);
        float[] b = Random(rng, (int)shape.ExtentB);
        // beta == 0 must not read C: poison it. Otherwise give C real values.
        float[] c0 = beta == 0f ? Enumerable.Repeat(float.NaN, (int)shape.ExtentC).ToArray() : Random(rng, (int)shape.ExtentC);
        if (batch > 1 && beta != 0f)
        {
            for (int bi = 1; bi < batch; bi++)
                for (long p = bi * strideC - (strideC - (long)m * n); p < bi * strideC; p++)
                    c0[p] = 12345f; // padding sentinel
        }

        var c = GemmLadder.Run(backend, shape, a, b, c0);

        // The float64 reference, and the size of the terms behind each element for the bound:
        // |alpha|·Σ|a·b| + |beta·c|.
        double[] want = Array.ConvertAll(c0, v => (double)v);
        ReferenceOps.Gemm(shape, Array.ConvertAll(a, v => (double)v), Array.ConvertAll(b, v => (double)v), want);
        double[] scale = Array.ConvertAll(c0, v => beta == 0f ? 0 : Math.Abs((double)v));
        ReferenceOps.Gemm(shape with { Alpha = Math.Abs(alpha), Beta = Math.Abs(beta) },
            Array.ConvertAll(a, v => Math.Abs((double)v)), Array.ConvertAll(b, v => Math.Abs((double)v)), scale);

        for (int p = 0; p < c.Length; p++)
        {
            int bi = strideC == 0 ? 0 : (int)(p / strideC);
            long inBatch = p - bi * strideC;
            if (inBatch >= (long)m * n)
            {
                // Anything the GEMM does not own (batch padding) keeps its old contents.
                Assert.True(c[p].Equals(c0[p]), $"padding C[{p}] changed from {c0[p]} to {c[p]}");
                continue;
            }
            double bound = 1e-5 * scale[p] + 1e-6;
            Assert.True(Math.Abs(c[p] - want[p]) <= bound,
                $"{backend.GemmKernel} {(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} {m}x{n}x{k} batch {bi} C[{inBatch / n},{inBatch % n}] = {c[p]}, expected {want[p]} (bound {bound})");
        }
    }

    private static float[] Random(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}

public sealed class IlgpuCpuGemmTests(IlgpuCpuFixture fixture) : GemmTestsBase(fixture), IClassFixture<IlgpuCpuFixture>;

public sealed class OpenCLGemmTests(OpenCLFixture fixture) : GemmTestsBase(fixture), IClassFixture<OpenCLFixture>;

public sealed class CudaGemmTests(CudaFixture fixture) : GemmTestsBase(fixture), IClassFixture<CudaFixture>;
