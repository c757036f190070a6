using GpuNet.Backends;

namespace GpuNet.Nn;

/// <summary>
/// A training step's class weights: the weights [classes] on the device, and 1/Σ_r w[y_r] over the batch, which the
/// host sums in row order (deterministic, no atomics) because it knows the batch's labels. A struct: a training
/// step allocates nothing.
/// </summary>
public readonly record struct LossWeights(DeviceBuffer<float> ClassWeights, float GradScale);
