namespace GpuNet.Nn;

/// <summary>A host copy of one parameter tensor, named as in a PyTorch state dict (layers.0.weight).</summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data);
