namespace GpuNet.Optim;

/// <summary>The optimisers, each with torch.optim's semantics of the same name.</summary>
public enum OptimizerKind
{
    /// <summary>torch.optim.SGD: momentum, Nesterov and L2 weight decay.</summary>
    Sgd,
    /// <summary>torch.optim.Adam: L2 weight decay added to the gradient.</summary>
    Adam,
    /// <summary>torch.optim.AdamW: decoupled weight decay, w ← w·(1 − lr·wd) before the Adam step.</summary>
    AdamW,
}
