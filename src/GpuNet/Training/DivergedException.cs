using GpuNet.Settings;

namespace GpuNet.Training;

/// <summary>The loss or a weight became NaN or infinite: training stops and nothing after the last good epoch is saved.</summary>
public sealed class DivergedException(int epoch, int step, string what)
    : GpuNetException($"training diverged at epoch {epoch}, step {step}: {what}; try a lower {Setting.LearningRate} or {Setting.ClipNorm}")
{
    public int Epoch { get; } = epoch;
    public int Step { get; } = step;
}
