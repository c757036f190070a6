using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Scalars of one SGD step (torch.optim.SGD with dampening 0).</summary>
public struct SgdKernelParams
{
    public float LearningRate, Momentum, WeightDecay;
    public int Nesterov;
}

/// <summary>Optimiser kernels, one thread per parameter.</summary>
public static class OptimKernels
{
    /// <summary>
    /// g ← g + wd·w; v ← m·v + g; w ← w − lr·(nesterov ? g + m·v : v). With momentum 0 the
    /// step is w ← w − lr·g and the velocity is neither read nor written (it may be a dummy).
    /// </summary>
    public static void Sgd(Index1D index, ArrayView<float> parameters, ArrayView<float> gradients,
        ArrayView<float> velocity, SgdKernelParams p)
    {
        int i = index.X;
        float w = parameters[i];
        float g = gradients[i] + p.WeightDecay * w;
        float step = g;
        if (p.Momentum != 0f)
        {
            float v = p.Momentum * velocity[i] + g;
            velocity[i] = v;
            step = p.Nesterov != 0 ? g + p.Momentum * v : v;
        }
        parameters[i] = w - p.LearningRate * step;
    }
}
