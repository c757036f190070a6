using GpuNet.Optim;

namespace GpuNet.Cli.Commands;

/// <summary>Which optimiser options go together, and how the run's optimiser is described on its first line.</summary>
public static class OptimizerOptions
{
    /// <summary>
    /// Usage errors for options given explicitly that the chosen optimiser or model would silently ignore:
    /// SGD's momentum under Adam, Adam's betas and eps under SGD, dropout without hidden layers.
    /// </summary>
    public static void Require(TrainRequest request)
    {
        var given = request.Given ?? new HashSet<string>();
        bool sgd = request.Train.Optimizer == OptimizerKind.Sgd;
        foreach (var name in sgd ? new[] { "--beta1", "--beta2", "--eps" } : ["--momentum", "--nesterov"])
            if (given.Contains(name))
                throw new UsageException(sgd
                    ? $"{name} applies to --optimizer adam or adamw, not sgd"
                    : $"{name} applies to --optimizer sgd; Adam's moments decay with --beta1 and --beta2");
        if (request.Train.Dropout > 0 && (request.Model != ModelKind.Mlp || request.Hidden.Count == 0))
            throw new UsageException("--dropout applies to the hidden layers of --model mlp");
    }

    /// <summary>"SGD lr 0.05 (cosine) momentum 0.9 weight decay 0" or "AdamW lr 0.001 (constant) betas (0.9, 0.999) eps 1E-08 weight decay 0.05".</summary>
    public static string Describe(TrainOptions o)
    {
        string schedule = o.Schedule.ToString().ToLowerInvariant();
        return o.Optimizer == OptimizerKind.Sgd
            ? $"SGD lr {o.LearningRate} ({schedule}) momentum {o.Momentum} weight decay {o.WeightDecay}"
            : $"{o.Optimizer} lr {o.LearningRate} ({schedule}) betas ({o.Beta1}, {o.Beta2}) eps {o.Eps} weight decay {o.WeightDecay}";
    }
}
