using GpuNet.Backends;
using GpuNet.Backends.Ilgpu;
using GpuNet.Kernels;
using Xunit;

namespace GpuNet.Tests.Ilgpu;

/// <summary>
/// Every non-GEMM kernel once per accelerator against float64 loops written here, at
/// awkward sizes, with outputs poisoned by NaN, plus aliasing and argument checks. (The
/// shared backend suite covers these in depth for every backend; this catches kernel
/// build problems on each ILGPU accelerator early.)
/// </summary>
public abstract class OpsTestsBase(IlgpuFixture fixture)
{
    private const double Rel = 1e-5;

    private static float[] Rand(int n, int seed, double scale = 3)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    private static void Close(double expected, double got, string what, double scale = 1)
    {
        double bound = Rel * Math.Max(Math.Abs(expected), scale) + 1e-6;
        Assert.True(Math.Abs(expected - got) <= bound, $"{what}: got {got}, expected {expected}");
    }

    private static double F(Activation a, double x) => a switch
    {
        Activation.Relu => Math.Max(x, 0),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        _ => x,
    };

    private static double DFromY(Activation a, double y) => a switch
    {
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.Sigmoid => y * (1 - y),
        Activation.Tanh => 1 - y * y,
        _ => 1,
    };

    private DeviceBuffer<T> Up<T>(IlgpuBackend b, T[] data, int extra = 0) where T : unmanaged
    {
        var buf = b.Allocate<T>(data.Length + extra);
        b.Upload<T>(data, buf);
        return buf;
    }

    private static T[] Down<T>(IlgpuBackend b, DeviceBuffer<T> buf, int n) where T : unmanaged
    {
        var x = new T[n];
        b.Download(buf, x.AsSpan());
        return x;
    }

    [Theory]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    public void ActivationsMatchReference(Activation act)
    {
        var b = fixture.Get();
        const int rows = 7, cols = 33, n = rows * cols;
        // Include tiny values: tanh near 0 is where naive exp-based formulas lose precision.
        var z = Rand(n, 1);
        z[0] = 1e-4f; z[1] = -3e-6f; z[2] = 0f; z[3] = 0.29f; z[4] = -0.31f; z[5] = 20f; z[6] = -20f;
        var bias = Rand(cols, 2, 0.5);
        bias[0] = 0f; // keep the tiny z values in row 0 tiny
        bias[1] = 0f; bias[2] = 0f; bias[3] = 0f; bias[4] = 0f;

        using var y = Up(b, z);
        using var bb = Up(b, bias);
        b.BiasActivation(y, bb, rows, cols, act);
        var yh = Down(b, y, n);
        for (int i = 0; i < n; i++)
            Close(F(act, (double)z[i] + bias[i % cols]), yh[i], $"{act} bias+act[{i}] z={z[i]}", 1e-3);

        using var x = Up(b, z);
        using var o = b.Allocate<float>(n);
        b.Fill(o, n, float.NaN);
        b.ActivationForward(x, o, n, act);
        var oh = Down(b, o, n);
        for (int i = 0; i < n; i++)
            Close(F(act, z[i]), oh[i], $"{act} forward[{i}] z={z[i]}", 1e-3);

        var g = Rand(n, 3);
        using var gb = Up(b, g);
        b.ActivationBackward(gb, o, gb, n, act); // in place: gradInput aliases gradOutput
        var gh = Down(b, gb, n);
        for (int i = 0; i < n; i++)
            Close(g[i] * DFromY(act, oh[i]), gh[i], $"{act} backward[{i}]", Math.Abs(g[i]));

        // Forward in place.
        b.ActivationForward(x, x, n, act);
        Assert.Equal(oh, Down(b, x, n));
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(7, 10, true)]
    [InlineData(33, 3, false)]
    public void SoftmaxCrossEntropyMatchesReference(int rows, int classes, bool withGrad)
    {
        var b = fixture.Get();
        var z = Rand(rows * classes, rows + classes, 5);
        if (classes > 2)
            z[1] = z[2] = 50f; // a tie for the max in row 0: the first argmax (1) wins
        var labels = Enumerable.Range(0, rows).Select(r => (r * 7 + 1) % classes).ToArray();
        float scale = 1f / rows;

        using var zl = Up(b, z);
        using var lb = Up(b, labels);
        using var stats = b.Allocate<float>(2 * rows);
        b.Fill(stats, 2 * rows, 1f); // stats accumulate
        b.SoftmaxCrossEntropy(zl, lb, rows, classes, withGrad ? zl : null, scale, stats); // grad aliases logits
        var st = Down(b, stats, 2 * rows);
        var gr = Down(b, zl, rows * classes);

        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            int arg = 0;
            for (int c = 0; c < classes; c++)
            {
                if (z[r * classes + c] > max) { max = z[r * classes + c]; arg = c; }
            }
            double sum = 0;
            for (int c = 0; c < classes; c++)
                sum += Math.Exp(z[r * classes + c] - max);
            double loss = Math.Log(sum) + max - z[r * classes + labels[r]];
            Close(1 + loss, st[2 * r], $"loss row {r}");
            Assert.Equal(1 + (arg == labels[r] ? 1 : 0), st[2 * r + 1]);
            for (int c = 0; c < classes; c++)
            {
                double expected = withGrad
                    ? scale * (Math.Exp(z[r * classes + c] - max) / sum - (c == labels[r] ? 1 : 0))
                    : z[r * classes + c];
                Close(expected, gr[r * classes + c], $"grad[{r},{c}]", scale);
            }
        }
    }

    [Fact]
    public void SoftmaxInPlaceMatchesReference()
    {
        var b = fixture.Get();
        const int rows = 5, classes = 129;
        var z = Rand(rows * classes, 11, 30);
        using var zl = Up(b, z);
        b.Softmax(zl, zl, rows, classes);
        var p = Down(b, zl, rows * classes);
        for (int r = 0; r < rows; r++)
        {
            double max = Enumerable.Range(0, classes).Max(c => (double)z[r * classes + c]);
            double sum = Enumerable.Range(0, classes).Sum(c => Math.Exp(z[r * classes + c] - max));
            for (int c = 0; c < classes; c++)
                Close(Math.Exp(z[r * classes + c] - max) / sum, p[r * classes + c], $"p[{r},{c}]", 1e-3);
        }
    }

    [Fact]
    public void SigmoidBinaryCrossEntropyMatchesReference()
    {
        var b = fixture.Get();
        var z = new float[] { 0f, 1e-3f, -2f, 5f, -40f, 40f, 0.7f };
        var y = new[] { 1, 0, 0, 1, 1, 0, 1 };
        int rows = z.Length;
        using var zl = Up(b, z);
        using var lb = Up(b, y);
        using var stats = b.Allocate<float>(2 * rows);
        using var grad = b.Allocate<float>(rows);
        b.Fill(grad, rows, float.NaN);
        b.SigmoidBinaryCrossEntropy(zl, lb, rows, grad, 0.5f, stats);
        b.SigmoidBinaryCrossEntropy(zl, lb, rows, null, 0.5f, stats); // accumulates twice, no gradient
        var st = Down(b, stats, 2 * rows);
        var g = Down(b, grad, rows);
        for (int r = 0; r < rows; r++)
        {
            double zz = z[r];
            double loss = Math.Max(zz, 0) - zz * y[r] + Math.Log(1 + Math.Exp(-Math.Abs(zz)));
            Close(2 * loss, st[2 * r], $"bce loss {r}");
            Assert.Equal(2 * ((zz > 0) == (y[r] == 1) ? 1 : 0), st[2 * r + 1]);
            Close(0.5 * (1 / (1 + Math.Exp(-zz)) - y[r]), g[r], $"bce grad {r}", 0.5);
        }
    }

    [Fact]
    public void ColumnSumsMatchReference()
    {
        var b = fixture.Get();
        const int rows = 129, cols = 7;
        var x = Rand(rows * cols, 5);
        using var xb = Up(b, x);
        using var s = b.Allocate<float>(cols);
        b.Fill(s, cols, float.NaN);
        b.ColumnSums(xb, rows, cols, s);
        var sh = Down(b, s, cols);
        for (int c = 0; c < cols; c++)
        {
            double sum = 0, mag = 0;
            for (int r = 0; r < rows; r++) { sum += x[r * cols + c]; mag += Math.Abs(x[r * cols + c]); }
            Close(sum, sh[c], $"column {c}", mag);
        }
    }

    [Theory]
    [InlineData(0f, 0f, false)]
    [InlineData(0f, 0.01f, false)]
    [InlineData(0.9f, 0f, false)]
    [InlineData(0.9f, 0.01f, true)]
    public void SgdMatchesPyTorchSemantics(float momentum, float wd, bool nesterov)
    {
        var b = fixture.Get();
        const int n = 33;
        var w = Rand(n, 21);
        var g = Rand(n, 22);
        var v = momentum == 0 ? Enumerable.Repeat(float.NaN, n).ToArray() : Rand(n, 23);
        var sgd = new SgdParams(0.1f, momentum, wd, nesterov);
        using var wb = Up(b, w);
        using var gb = Up(b, g);
        using var vb = Up(b, v);
        b.SgdUpdate(wb, gb, vb, n, sgd);
        var wh = Down(b, wb, n);
        var vh = Down(b, vb, n);
        for (int i = 0; i < n; i++)
        {
            double gg = g[i] + (double)wd * w[i];
            double step = gg, vv = v[i];
            if (momentum != 0)
            {
                vv = momentum * (double)v[i] + gg;
                step = nesterov ? gg + momentum * vv : vv;
                Close(vv, vh[i], $"v[{i}]", 1);
            }
            else
            {
                Assert.True(float.IsNaN(vh[i]), "momentum 0 must leave the velocity untouched");
            }
            Close(w[i] - 0.1 * step, wh[i], $"w[{i}]", 1);
        }
    }

    [Fact]
    public void GatherAndInitAndCopy()
    {
        var b = fixture.Get();
        const int srcRows = 9, cols = 7;
        var src = Rand(srcRows * cols, 31);
        var idx = new[] { 4, 8, 0, 3, 3, 1, 7 };
        var labels = Enumerable.Range(100, srcRows).ToArray();
        using var sb = Up(b, src);
        using var ib = Up(b, idx);
        using var lb = Up(b, labels);
        using var dst = b.Allocate<float>(5 * cols);
        using var dl = b.Allocate<int>(5);
        b.Fill(dst, 5 * cols, float.NaN);
        b.GatherRows(sb, cols, ib, 2, 5, dst);
        b.GatherLabels(lb, ib, 2, 5, dl);
        var dh = Down(b, dst, 5 * cols);
        var dlh = Down(b, dl, 5);
        for (int r = 0; r < 5; r++)
        {
            Assert.Equal(labels[idx[2 + r]], dlh[r]);
            for (int c = 0; c < cols; c++)
                Assert.Equal(src[idx[2 + r] * cols + c], dh[r * cols + c]);
        }

        // Init: the same counter-based stream as the CPU backend, element by element.
        using var u = b.Allocate<float>(129);
        using var nrm = b.Allocate<float>(129);
        b.InitUniform(u, -0.5f, 2f, 42);
        b.InitNormal(nrm, 1f, 0.1f, 42);
        var uh = Down(b, u, 129);
        var nh = Down(b, nrm, 129);
        for (int i = 0; i < 129; i++)
        {
            Close(-0.5 + 2.5 * CounterRandom.Uniform(42, (ulong)i), uh[i], $"uniform[{i}]");
            double u1 = CounterRandom.Uniform(42, 2UL * (ulong)i), u2 = CounterRandom.Uniform(42, 2UL * (ulong)i + 1);
            Close(1 + 0.1 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2), nh[i], $"normal[{i}]");
        }

        // Copy into a slice; Allocate zero-fills.
        using var z = b.Allocate<float>(10);
        Assert.All(Down(b, z, 10), v => Assert.Equal(0f, v));
        b.Copy(u, z.Slice(3, 7), 7);
        var zh = Down(b, z, 10);
        Assert.Equal(new float[] { 0, 0, 0 }, zh[..3]);
        Assert.Equal(uh[..7], zh[3..]);
    }

    [Fact]
    public void RejectsShortBuffersOnTheHost()
    {
        var b = fixture.Get();
        using var small = b.Allocate<float>(10);
        Assert.Throws<ArgumentException>(() => b.Gemm(new GemmShape(false, false, 4, 4, 4), small, small, small));
        Assert.Throws<ArgumentException>(() => b.Fill(small, 11, 0f));
        Assert.Throws<ArgumentException>(() => b.Copy(small, small.Slice(5, 5), 6));
        using var labels = b.Allocate<int>(2);
        Assert.Throws<ArgumentException>(() => b.SoftmaxCrossEntropy(small, labels, 3, 2, null, 1f, small));
    }
}

public sealed class IlgpuCpuOpsTests(IlgpuCpuFixture fixture) : OpsTestsBase(fixture), IClassFixture<IlgpuCpuFixture>;

public sealed class OpenCLOpsTests(OpenCLFixture fixture) : OpsTestsBase(fixture), IClassFixture<OpenCLFixture>;

public sealed class CudaOpsTests(CudaFixture fixture) : OpsTestsBase(fixture), IClassFixture<CudaFixture>;
