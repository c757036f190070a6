using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>
/// One SGD step with PyTorch's semantics (torch.optim.SGD, dampening 0):
/// g ← GradScale·g + WeightDecay·w; v ← Momentum·v + g; w ← w − LearningRate·(Nesterov ? g + Momentum·v : v).
/// With Momentum == 0 this is w ← w − lr·g and the velocity buffer is left untouched.
/// Velocity starts at zero, which reproduces PyTorch's "first step sets v = g".
/// Gradient clipping (clip_grad_norm_ before optimizer.step()) reaches the update as a factor on the raw gradient,
/// applied before weight decay is added, as in PyTorch (the gradScale buffer of <see cref="IBackend.SgdUpdate"/>).
/// </summary>
public readonly record struct SgdParams(float LearningRate, float Momentum = 0f, float WeightDecay = 0f, bool Nesterov = false)
{
    /// <summary>The same step as the kernels' (and <see cref="OptimKernels.SgdStep"/>'s) scalars, the gradient scaled by <paramref name="gradScale"/>.</summary>
    public SgdKernelParams KernelParams(float gradScale = 1f) => new()
    {
        LearningRate = LearningRate, Momentum = Momentum, WeightDecay = WeightDecay, Nesterov = Nesterov ? 1 : 0, GradScale = gradScale,
    };
}
