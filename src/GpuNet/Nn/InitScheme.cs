using GpuNet.Kernels;

namespace GpuNet.Nn;

public enum InitScheme
{
    /// <summary>He for layers followed by relu, Xavier for everything else (sigmoid, tanh, the output layer).</summary>
    Auto,
    /// <summary>He (Kaiming) normal: N(0, 2/fan_in). Keeps relu activations' variance steady.</summary>
    He,
    /// <summary>Xavier (Glorot) uniform: U(±√(6/(fan_in + fan_out))). Suits sigmoid and tanh.</summary>
    Xavier,
    /// <summary>Small Gaussian weights, N(0, 0.01²): the classic CS231n "0.01·randn" start.</summary>
    Normal,
    /// <summary>All weights zero. Fine for convex linear models; an MLP would never break symmetry.</summary>
    Zeros,
}

public static class InitSchemes
{
    /// <summary>The standard deviation of <see cref="InitScheme.Normal"/>.</summary>
    public const float NormalStd = 0.01f;

    /// <summary>The concrete scheme one layer gets. Biases always start at zero.</summary>
    public static InitScheme Resolve(InitScheme scheme, LayerSpec layer) =>
        scheme != InitScheme.Auto ? scheme
        : layer.Activation == Activation.Relu ? InitScheme.He
        : InitScheme.Xavier;
}
