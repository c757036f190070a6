namespace GpuNet.Cli.Commands;

/// <summary>
/// A train request's model on its training data, as <c>train</c> and <c>sweep</c> both resolve and check it before any
/// device buffer exists: the architecture, the options with the epoch count resolved, and the refusals of what
/// could not train (zero-initialised hidden layers, buffers too large for the network and the optimiser's state).
/// </summary>
internal static class ModelPlan
{
    public static (ModelSpec Spec, TrainOptions Options) For(TrainRequest request, Dataset train)
    {
        var options = request.ResolveEpochs(train.Count);
        var spec = ModelSpec.Create(request.Model, train.FeatureCount, train.ClassCount, request.Hidden, request.Activation);
        if (request.Init == InitScheme.Zeros && spec.Kind == ModelKind.Mlp)
            throw new UsageException("--init zeros would leave every hidden unit identical; use it with --model logistic or softmax");
        BufferCheck.Require($"--hidden {string.Join(",", spec.Hidden)} with --batch-size {options.BatchSize}",
            Network.Buffers(spec, Trainer.NetworkRows(options)).Concat(GpuNet.Optim.Optimizers.StateBuffers(options, spec)));
        return (spec, options);
    }
}
