namespace GpuNet.Kernels;

/// <summary>
/// Elementwise nonlinearity applied after a linear layer. The backward pass of every
/// activation is written in terms of the activation's <em>output</em> y = f(z), so a layer
/// only keeps its output: relu' = [y &gt; 0], sigmoid' = y(1 − y), tanh' = 1 − y².
/// </summary>
public enum Activation
{
    Identity = 0,
    Relu = 1,
    Sigmoid = 2,
    Tanh = 3,
}
