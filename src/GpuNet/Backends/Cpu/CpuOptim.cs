using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

/// <summary>The SGD and Adam steps, vectorised with a scalar tail doing the same math.</summary>
internal static class CpuOptim
{
    public static void Sgd(Span<float> w, ReadOnlySpan<float> g, Span<float> v, in SgdKernelParams sgd)
    {
        int n = w.Length;
        g = g[..n];
        bool momentum = sgd.Momentum != 0f;
        if (momentum)
            v = v[..n];
        // Vector512 everywhere, unchecked loads: with Vector<float> (256-bit even on AVX-512) and a sliced span per
        // load the loop was bound by instructions, not memory, and took 15% of a batch-128 step. Without AVX-512
        // Vector512 runs as two 256-bit halves, which measured faster than Vector<float> there too (an unroll by two).
        ref float wRef = ref MemoryMarshal.GetReference(w);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float vRef = ref MemoryMarshal.GetReference(v);
        int i = 0;
        for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            var wi = Vector512.LoadUnsafe(ref wRef, (nuint)i);
            var vel = momentum ? Vector512.LoadUnsafe(ref vRef, (nuint)i) : default;
            (wi - Step(wi, Vector512.LoadUnsafe(ref gRef, (nuint)i), ref vel, sgd)).StoreUnsafe(ref wRef, (nuint)i);
            if (momentum)
                vel.StoreUnsafe(ref vRef, (nuint)i);
        }
        for (; i < n; i++)
        {
            var step = OptimKernels.SgdStep(w[i], g[i], momentum ? v[i] : 0f, sgd);
            w[i] = step.Weight;
            if (momentum)
                v[i] = step.Velocity;
        }
    }

    /// <summary>
    /// lr·(update direction), updating the velocity when there is momentum: <see cref="OptimKernels.SgdStep"/>'s
    /// operations in its order, a vector at a time (CpuOptimTests holds the two to the same bits).
    /// </summary>
    private static Vector512<float> Step(Vector512<float> w, Vector512<float> g, ref Vector512<float> v, in SgdKernelParams sgd)
    {
        if (sgd.GradScale != 1f)
            g *= sgd.GradScale;
        if (sgd.WeightDecay != 0f)
            g += sgd.WeightDecay * w;
        if (sgd.Momentum == 0f)
            return sgd.LearningRate * g;
        v = sgd.Momentum * v + g;
        return sgd.LearningRate * (sgd.Nesterov != 0 ? g + sgd.Momentum * v : v);
    }

    /// <summary>One Adam step of <see cref="AdamParams"/> over w, with its moments m and v (all as long as w).</summary>
    public static void Adam(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamKernelParams p)
    {
        int n = w.Length;
        g = g[..n];
        m = m[..n];
        v = v[..n];
        // Vector512 with unchecked loads, as in Sgd: twice the speed of Vector<float> over sliced spans on AVX-512.
        ref float wRef = ref MemoryMarshal.GetReference(w);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float mRef = ref MemoryMarshal.GetReference(m);
        ref float vRef = ref MemoryMarshal.GetReference(v);
        int i = 0;
        for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            var (wi, mi, vi) = (Vector512.LoadUnsafe(ref wRef, (nuint)i), Vector512.LoadUnsafe(ref mRef, (nuint)i), Vector512.LoadUnsafe(ref vRef, (nuint)i));
            AdamStep(ref wi, Vector512.LoadUnsafe(ref gRef, (nuint)i), ref mi, ref vi, p);
            wi.StoreUnsafe(ref wRef, (nuint)i);
            mi.StoreUnsafe(ref mRef, (nuint)i);
            vi.StoreUnsafe(ref vRef, (nuint)i);
        }
        for (; i < n; i++)
        {
            var (wi, mi, vi) = (Vector512.Create(w[i]), Vector512.Create(m[i]), Vector512.Create(v[i]));
            AdamStep(ref wi, Vector512.Create(g[i]), ref mi, ref vi, p);
            (w[i], m[i], v[i]) = (wi[0], mi[0], vi[0]);
        }
    }

    /// <summary>The kernel's order of operations (OptimKernels.AdamStep), which is PyTorch's.</summary>
    private static void AdamStep(ref Vector512<float> w, Vector512<float> g, ref Vector512<float> m, ref Vector512<float> v, in AdamKernelParams p)
    {
        g = p.GradScale * g + p.WeightDecay * w;
        w *= p.DecayFactor;
        m = p.Beta1 * m + p.OneMinusBeta1 * g;
        v = p.Beta2 * v + p.OneMinusBeta2 * g * g;
        w -= p.StepSize * m / (Vector512.Sqrt(v) / Vector512.Create(p.BiasCorrection2Sqrt) + Vector512.Create(p.Eps));
    }
}

/// <summary>
/// An elementwise optimiser step cut into chunks for <see cref="CpuWorkers"/>: at 200k parameters a
/// single thread spent a fifth of a batch-32 step on SGD. Chunks start at multiples of the vector
/// width, so every element takes the same path as in one pass (the update is elementwise): results
/// are unchanged. One instance per backend and optimiser holds the current op's arguments (no allocation per op).
/// </summary>
internal abstract class ParallelUpdate(CpuWorkers workers) : IParallelWork
{
    // Below this many parameters waking a second thread costs more than it saves.
    private const int MinParallelCount = 1 << 15;
    private int _count, _chunk;

    /// <summary>Updates elements [start, start + length) with the op's arguments.</summary>
    protected abstract void Update(int start, int length);

    /// <summary>Runs <see cref="Update"/> over [0, n), on the caller's thread alone when n is small.</summary>
    protected void Run(int n)
    {
        if (n < MinParallelCount || workers.Threads == 1)
        {
            Update(0, n);
            return;
        }
        int width = Vector512<float>.Count; // the updates' vector width
        (_count, _chunk) = (n, (n / workers.Threads + width - 1) / width * width);
        workers.Run(this, (n + _chunk - 1) / _chunk);
    }

    public void Execute(int item, int worker)
    {
        int start = item * _chunk;
        Update(start, Math.Min(_chunk, _count - start));
    }
}

internal sealed class ParallelSgd(CpuWorkers workers) : ParallelUpdate(workers)
{
    private CpuBuffer<float>? _w, _g, _v;
    private SgdKernelParams _sgd;

    public void Run(CpuBuffer<float> parameters, CpuBuffer<float> gradients, CpuBuffer<float>? velocity, int n, in SgdKernelParams p)
    {
        // Length checks here, on the caller's thread, not as a worker's AggregateException.
        _ = parameters.First(n);
        _ = gradients.First(n);
        if (p.Momentum != 0f)
            _ = (velocity ?? throw new ArgumentNullException(nameof(velocity), "SGD with momentum needs a velocity buffer")).First(n);
        (_w, _g, _v, _sgd) = (parameters, gradients, velocity, p);
        try
        {
            Run(n);
        }
        finally
        {
            (_w, _g, _v) = (null, null, null);
        }
    }

    protected override void Update(int start, int length) =>
        CpuOptim.Sgd(_w!.Span.Slice(start, length), _g!.Span.Slice(start, length),
            _sgd.Momentum != 0f ? _v!.Span.Slice(start, length) : default, _sgd);
}

internal sealed class ParallelAdam(CpuWorkers workers) : ParallelUpdate(workers)
{
    private CpuBuffer<float>? _w, _g, _m, _v;
    private AdamKernelParams _adam;

    /// <summary>One Adam step over the first <paramref name="n"/> parameters.</summary>
    public void Run(CpuBuffer<float> parameters, CpuBuffer<float> gradients, CpuBuffer<float> expAvg, CpuBuffer<float> expAvgSq, int n, in AdamKernelParams p)
    {
        _ = parameters.First(n);
        _ = gradients.First(n);
        _ = expAvg.First(n);
        _ = expAvgSq.First(n);
        (_w, _g, _m, _v, _adam) = (parameters, gradients, expAvg, expAvgSq, p);
        try
        {
            Run(n);
        }
        finally
        {
            (_w, _g, _m, _v) = (null, null, null, null);
        }
    }

    protected override void Update(int start, int length) =>
        CpuOptim.Adam(_w!.Span.Slice(start, length), _g!.Span.Slice(start, length),
            _m!.Span.Slice(start, length), _v!.Span.Slice(start, length), _adam);
}
