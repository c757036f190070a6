using GpuNet.Backends;
using GpuNet.Nn;

namespace GpuNet.Optim;

/// <summary>
/// An optimiser over one network's flat parameter buffer, owning its state (PyTorch's <c>optimizer.state</c>) as flat
/// buffers of the same length, allocated only when its settings need them, and gradient clipping. A step is at most
/// three launches (clipping's two, and one update over every parameter); the step count lives on the host, so nothing
/// in a step waits for the device.
/// </summary>
public interface IOptimizer : IDisposable
{
    OptimizerKind Kind { get; }

    /// <summary>
    /// Steps taken so far (PyTorch's <c>state[p]["step"]</c>, the same for every parameter); set by a pack that trained
    /// this optimiser's member and hands its count over.
    /// </summary>
    long Steps { get; set; }

    /// <summary>
    /// The state as flat buffers laid out like the network's parameters: SGD's velocity when it has momentum, Adam's
    /// exp_avg and exp_avg_sq. A pack copies a member's state in and out of them.
    /// </summary>
    IReadOnlyList<DeviceBuffer<float>> StateBuffers { get; }

    /// <summary>
    /// One update of every parameter from the gradients of the network's last backward, at <paramref name="learningRate"/>,
    /// the raw gradients first clipped by their global norm when the optimiser was given a clip norm (clip_grad_norm_).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "PyTorch's name, optimizer.step(); GpuNet has no Visual Basic callers.")]
    void Step(float learningRate);

    /// <summary>Host copies of the state tensors, with their checkpoint names (waits for the device).</summary>
    IReadOnlyList<NamedTensor> ExportState();

    /// <summary>Uploads state written by <see cref="ExportState"/> and continues counting from <paramref name="steps"/>.</summary>
    void ImportState(IReadOnlyList<NamedTensor> tensors, long steps);
}
