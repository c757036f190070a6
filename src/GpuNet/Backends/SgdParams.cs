using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>
/// One SGD step with PyTorch's semantics (torch.optim.SGD, dampening 0):
/// g ← GradScale·g + WeightDecay·w; v ← Momentum·v + g; w ← w − LearningRate·(Nesterov ? g + Momentum·v : v).
/// With Momentum == 0 this is w ← w − lr·g and the velocity buffer is left untouched.
/// Velocity starts at zero, which reproduces PyTorch's "first step sets v = g".
/// GradScale is how gradient clipping by global norm (clip_grad_norm_ before optimizer.step()) reaches
/// the update: the raw gradient is scaled, then weight decay is added, as in PyTorch.
/// </summary>
public readonly record struct SgdParams(float LearningRate, float Momentum = 0f, float WeightDecay = 0f, bool Nesterov = false, float GradScale = 1f)
{
    /// <summary>The same step as the kernels' (and <see cref="OptimKernels.SgdStep"/>'s) scalars.</summary>
    public SgdKernelParams KernelParams() => new()
    {
        LearningRate = LearningRate, Momentum = Momentum, WeightDecay = WeightDecay, Nesterov = Nesterov ? 1 : 0, GradScale = GradScale,
    };
}
