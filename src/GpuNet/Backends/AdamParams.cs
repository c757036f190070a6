using GpuNet.Kernels;

namespace GpuNet.Backends;

/// <summary>
/// One Adam or AdamW step with PyTorch's semantics (torch.optim.Adam / AdamW, amsgrad off), step
/// <paramref name="Step"/> (1-based) of the run:
/// g ← s·g (+ WeightDecay·w for Adam, s being clipping's factor); w ← w·(1 − lr·WeightDecay) for AdamW (<paramref name="Decoupled"/>);
/// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; w ← w − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε).
/// Both moments start at zero. The step number is the host's count: the bias corrections reach the
/// device as scalars (<see cref="KernelParams"/>), so a step never waits for the device.
/// </summary>
public readonly record struct AdamParams(float LearningRate, double Beta1, double Beta2, float Eps, float WeightDecay, bool Decoupled, long Step)
{
    /// <summary>
    /// The per-step scalars, computed in float64 and rounded once, as PyTorch's Python-side scalars are. The betas are
    /// float64 for that reason: (float)(1 − 0.999) is 0.001f, while 1 − 0.999f is 1.3e-5 away from it, relatively.
    /// </summary>
    public AdamKernelParams KernelParams(float gradScale = 1f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Step, 1);
        return new AdamKernelParams
        {
            StepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, Step))),
            Beta1 = (float)Beta1,
            OneMinusBeta1 = (float)(1 - Beta1),
            Beta2 = (float)Beta2,
            OneMinusBeta2 = (float)(1 - Beta2),
            BiasCorrection2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, Step)),
            Eps = Eps,
            WeightDecay = Decoupled ? 0f : WeightDecay,
            DecayFactor = Decoupled ? (float)(1 - (double)LearningRate * WeightDecay) : 1f,
            GradScale = gradScale,
        };
    }
}
