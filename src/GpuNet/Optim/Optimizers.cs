using GpuNet.Backends;
using GpuNet.Nn;
using GpuNet.Training;

namespace GpuNet.Optim;

/// <summary>Builds the optimiser a run's options name.</summary>
public static class Optimizers
{
    public static IOptimizer Create(TrainOptions options, IBackend backend, Network network) => options.Optimizer switch
    {
        OptimizerKind.Sgd => new Sgd(network, options.Momentum, options.WeightDecay, options.Nesterov),
        var kind => new Adam(backend, network, options.Beta1, options.Beta2, options.Eps, options.WeightDecay, decoupled: kind == OptimizerKind.AdamW),
    };
}
