using System.Numerics;

namespace GpuNet.Backends.Cpu;

/// <summary>The SGD step of <see cref="SgdParams"/>, vectorised with a scalar tail doing the same math.</summary>
internal static class CpuOptim
{
    public static void Sgd(Span<float> w, ReadOnlySpan<float> g, Span<float> v, in SgdParams sgd)
    {
        int n = w.Length;
        g = g[..n];
        bool momentum = sgd.Momentum != 0f;
        if (momentum)
            v = v[..n];
        int i = 0;
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            var vel = momentum ? new Vector<float>(v[i..]) : default;
            var step = Step(new Vector<float>(w[i..]), new Vector<float>(g[i..]), ref vel, sgd);
            (new Vector<float>(w[i..]) - step).CopyTo(w[i..]);
            if (momentum)
                vel.CopyTo(v[i..]);
        }
        for (; i < n; i++)
        {
            var vel = new Vector<float>(momentum ? v[i] : 0f);
            float step = Step(new Vector<float>(w[i]), new Vector<float>(g[i]), ref vel, sgd)[0];
            w[i] -= step;
            if (momentum)
                v[i] = vel[0];
        }
    }

    /// <summary>lr·(update direction), updating the velocity when there is momentum.</summary>
    private static Vector<float> Step(Vector<float> w, Vector<float> g, ref Vector<float> v, in SgdParams sgd)
    {
        if (sgd.GradScale != 1f)
            g *= sgd.GradScale;
        if (sgd.WeightDecay != 0f)
            g += sgd.WeightDecay * w;
        if (sgd.Momentum == 0f)
            return sgd.LearningRate * g;
        v = sgd.Momentum * v + g;
        return sgd.LearningRate * (sgd.Nesterov ? g + sgd.Momentum * v : v);
    }
}

/// <summary>
/// The SGD step cut into chunks for <see cref="CpuWorkers"/>: at 200k parameters a single thread
/// spent a fifth of a batch-32 step on it. Chunks start at multiples of the vector width, so every
/// element takes the same path as in one pass (the update is elementwise): results are unchanged.
/// One instance per backend holds the current op's arguments (no allocation per op).
/// </summary>
internal sealed class ParallelSgd(CpuWorkers workers) : IParallelWork
{
    // Below this many parameters waking a second thread costs more than it saves.
    private const int MinParallelCount = 1 << 15;
    private CpuBuffer<float>? _w, _g, _v;
    private int _count, _chunk;
    private SgdParams _sgd;

    public void Run(CpuBuffer<float> parameters, CpuBuffer<float> gradients, CpuBuffer<float> velocity, int n, in SgdParams p)
    {
        if (n < MinParallelCount || workers.Threads == 1)
        {
            CpuOptim.Sgd(parameters.First(n), gradients.First(n), velocity.Span, p);
            return;
        }
        // Length checks here, on the caller's thread, not as a worker's AggregateException.
        _ = parameters.First(n);
        _ = gradients.First(n);
        if (p.Momentum != 0f)
            _ = velocity.First(n);
        (_w, _g, _v, _count, _sgd) = (parameters, gradients, velocity, n, p);
        int width = System.Numerics.Vector<float>.Count;
        _chunk = (n / workers.Threads + width - 1) / width * width;
        try
        {
            workers.Run(this, (n + _chunk - 1) / _chunk);
        }
        finally
        {
            (_w, _g, _v) = (null, null, null);
        }
    }

    public void Execute(int item, int worker)
    {
        int start = item * _chunk, length = Math.Min(_chunk, _count - start);
        bool momentum = _sgd.Momentum != 0f;
        CpuOptim.Sgd(_w!.Span.Slice(start, length), _g!.Span.Slice(start, length),
            momentum ? _v!.Span.Slice(start, length) : default, _sgd);
    }
}

