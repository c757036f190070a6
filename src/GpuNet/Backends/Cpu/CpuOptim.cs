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
        if (sgd.WeightDecay != 0f)
            g += sgd.WeightDecay * w;
        if (sgd.Momentum == 0f)
            return sgd.LearningRate * g;
        v = sgd.Momentum * v + g;
        return sgd.LearningRate * (sgd.Nesterov ? g + sgd.Momentum * v : v);
    }
}
