using GpuNet.Backends;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Optim;

/// <summary>Builds the optimiser a run's options name.</summary>
public static class Optimizers
{
    public static IOptimizer Create(TrainOptions options, IBackend backend, Network network) => options.Optimizer switch
    {
        OptimizerKind.Sgd => new Sgd(backend, network, options.Momentum, options.WeightDecay, options.Nesterov, options.ClipNorm),
        var kind => new Adam(backend, network, options.Beta1, options.Beta2, options.Eps, options.WeightDecay, decoupled: kind == OptimizerKind.AdamW, options.ClipNorm),
    };

    /// <summary>The 4-byte state buffers the optimiser of <paramref name="options"/> allocates for a model of <paramref name="spec"/>, for <see cref="BufferLimits.Check"/>.</summary>
    public static IEnumerable<(string What, double Elements)> StateBuffers(TrainOptions options, ModelSpec spec) => options.Optimizer switch
    {
        OptimizerKind.Sgd when options.Momentum == 0f => [],
        OptimizerKind.Sgd => [("the SGD momentum buffer", spec.ParameterCount)],
        _ => [("Adam's exp_avg", spec.ParameterCount), ("Adam's exp_avg_sq", spec.ParameterCount)],
    };
}
