using ILGPU;
using ILGPU.Algorithms;

namespace GpuNet.Kernels;

/// <summary>Scalars of one SGD step (torch.optim.SGD with dampening 0).</summary>
public struct SgdKernelParams
{
    public float LearningRate, Momentum, WeightDecay, GradScale;
    public int Nesterov;
    /// <summary>1 when the kernel takes <see cref="GradScale"/> from its one-element scale view (clipping's factor, computed on the device).</summary>
    public int ScaleOnDevice;
}

/// <summary>A parameter and its velocity after one <see cref="OptimKernels.SgdStep"/>.</summary>
public struct SgdStepResult
{
    public float Weight, Velocity;
}

/// <summary>
/// Scalars of one Adam or AdamW step (torch.optim.Adam/AdamW, amsgrad off), derived on the host
/// from its step counter so the device never needs the count: StepSize = lr / (1 − β1^t),
/// BiasCorrection2Sqrt = √(1 − β2^t), DecayFactor = 1 − lr·wd for AdamW (1 for Adam), and
/// WeightDecay the L2 term Adam adds to the gradient (0 for AdamW).
/// </summary>
public struct AdamKernelParams
{
    public float StepSize, Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, BiasCorrection2Sqrt, Eps, WeightDecay, DecayFactor, GradScale;
    /// <summary>1 when the kernel takes <see cref="GradScale"/> from its one-element scale view, as in <see cref="SgdKernelParams"/>.</summary>
    public int ScaleOnDevice;
}

/// <summary>
/// Optimiser kernels, one thread per parameter of a model's whole flat buffer (every layer's weight and bias in
/// state-dict order): one launch updates them all. Gradient clipping's factor is read from a one-element view that
/// <see cref="ReduceKernels.ClipScale"/> wrote on the device, so a clipped step never waits for the host.
/// </summary>
public static class OptimKernels
{
    /// <summary>One SGD step on every element, see <see cref="SgdStep"/>. The velocity is neither read nor written without momentum (it may be a dummy view).</summary>
    public static void Sgd(Index1D index, ArrayView<float> parameters, ArrayView<float> gradients,
        ArrayView<float> velocity, ArrayView<float> scale, SgdKernelParams p)
    {
        if (p.ScaleOnDevice != 0)
            p.GradScale = scale[0];
        SgdAt(parameters, gradients, velocity, index.X, p);
    }

    /// <summary>Element i's <see cref="SgdStep"/> in place; the velocity is touched only with momentum. The pack's update (<see cref="PackKernels.Update"/>) runs it too.</summary>
    internal static void SgdAt(ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float> velocity, int i, SgdKernelParams p)
    {
        var step = SgdStep(parameters[i], gradients[i], p.Momentum != 0f ? velocity[i] : 0f, p);
        parameters[i] = step.Weight;
        if (p.Momentum != 0f)
            velocity[i] = step.Velocity;
    }

    /// <summary>
    /// One parameter's SGD step, written once for the kernels and the CPU backend (whose vector loop is
    /// tested against it bit for bit): g ← s·g + wd·w; v ← m·v + g; w ← w − lr·(nesterov ? g + m·v : v).
    /// A scale of 1 and a decay of 0 are skipped rather than applied, so they cannot turn an infinite weight
    /// into NaN; the branches are uniform across threads. With momentum 0 the step is w ← w − lr·g.
    /// </summary>
    public static SgdStepResult SgdStep(float w, float g, float v, SgdKernelParams p)
    {
        if (p.GradScale != 1f)
            g *= p.GradScale;
        if (p.WeightDecay != 0f)
            g += p.WeightDecay * w;
        float step = g;
        if (p.Momentum != 0f)
        {
            v = p.Momentum * v + g;
            step = p.Nesterov != 0 ? g + p.Momentum * v : v;
        }
        return new SgdStepResult { Weight = w - p.LearningRate * step, Velocity = v };
    }

    /// <summary>One Adam or AdamW step on every element and its two moments, see <see cref="AdamStep"/>.</summary>
    public static void Adam(Index1D index, ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float> expAvg, ArrayView<float> expAvgSq,
        ArrayView<float> scale, AdamKernelParams p)
    {
        if (p.ScaleOnDevice != 0)
            p.GradScale = scale[0];
        AdamStep(parameters, gradients, expAvg, expAvgSq, index.X, p);
    }

    /// <summary>
    /// PyTorch's order, operation for operation: g ← s·g + wd·w; w ← w·decay; m ← β1·m + (1−β1)·g;
    /// v ← β2·v + (1−β2)·g·g; w ← w − stepSize·m / (√v / √(1−β2^t) + ε). The CPU backend does the same, and the pack's
    /// update (<see cref="PackKernels.Update"/>) runs this one.
    /// </summary>
    internal static void AdamStep(ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float> expAvg, ArrayView<float> expAvgSq, int i, AdamKernelParams p)
    {
        float w = parameters[i];
        float g = p.GradScale * gradients[i] + p.WeightDecay * w;
        w *= p.DecayFactor;
        float m = p.Beta1 * expAvg[i] + p.OneMinusBeta1 * g;
        float v = p.Beta2 * expAvgSq[i] + p.OneMinusBeta2 * g * g;
        expAvg[i] = m;
        expAvgSq[i] = v;
        parameters[i] = w - p.StepSize * m / (XMath.Sqrt(v) / p.BiasCorrection2Sqrt + p.Eps);
    }
}
