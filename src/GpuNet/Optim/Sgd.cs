using GpuNet.Backends;
using GpuNet.Nn;

namespace GpuNet.Optim;

/// <summary>
/// torch.optim.SGD (see <see cref="SgdParams"/>). Its momentum buffers are the layers' velocities and keep the
/// parameters' names (layers.{i}.weight) in checkpoints, as every saved SGD run has them.
/// </summary>
public sealed class Sgd(Network network, float momentum, float weightDecay, bool nesterov) : IOptimizer
{
    public OptimizerKind Kind => OptimizerKind.Sgd;

    public long Steps { get; private set; }

    public void Step(float learningRate, float gradScale = 1f)
    {
        network.Step(new SgdParams(learningRate, momentum, weightDecay, nesterov, gradScale));
        Steps++;
    }

    public IReadOnlyList<NamedTensor> ExportState() => network.ExportVelocities();

    public void ImportState(IReadOnlyList<NamedTensor> tensors, long steps)
    {
        network.ImportVelocities(tensors);
        Steps = steps;
    }

    public void Dispose() { } // the velocities belong to the layers
}
