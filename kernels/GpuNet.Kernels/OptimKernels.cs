using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Scalars of one SGD step (torch.optim.SGD with dampening 0).</summary>
public struct SgdKernelParams
{
    public float LearningRate, Momentum, WeightDecay, GradScale;
    public int Nesterov;
}

/// <summary>Optimiser kernels, one thread per parameter.</summary>
public static class OptimKernels
{
    /// <summary>One SGD step on every element of one tensor, see <see cref="Step"/>.</summary>
    public static void Sgd(Index1D index, ArrayView<float> parameters, ArrayView<float> gradients,
        ArrayView<float> velocity, SgdKernelParams p) =>
        Step(parameters, gradients, velocity, index.X, p);

    /// <summary>
    /// One SGD step on two tensors in one launch (a layer's weight and bias): threads below
    /// <paramref name="firstCount"/> update the first tensor, the rest the second.
    /// </summary>
    public static void SgdPair(Index1D index, ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float> velocity,
        ArrayView<float> parameters2, ArrayView<float> gradients2, ArrayView<float> velocity2, int firstCount, SgdKernelParams p)
    {
        int i = index.X;
        if (i < firstCount)
            Step(parameters, gradients, velocity, i, p);
        else
            Step(parameters2, gradients2, velocity2, i - firstCount, p);
    }

    /// <summary>
    /// g ← g + wd·w; v ← m·v + g; w ← w − lr·(nesterov ? g + m·v : v). With momentum 0 the
    /// step is w ← w − lr·g and the velocity is neither read nor written (it may be a dummy).
    /// </summary>
    private static void Step(ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float> velocity, int i, SgdKernelParams p)
    {
        float w = parameters[i];
        float g = p.GradScale * gradients[i] + p.WeightDecay * w;
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
