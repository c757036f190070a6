using GpuNet.Backends;

namespace GpuNet.Nn;

/// <summary>
/// The parameters of one linear layer on a backend, with their gradients and the SGD
/// momentum buffers: W [Out, In] and b [Out], as in PyTorch's nn.Linear. The gradients are
/// views of the network's one flat gradient buffer (<see cref="Network.Gradients"/>).
/// </summary>
public sealed class Linear : IDisposable
{
    /// <param name="gradients">Out × In + Out elements of the network's gradient buffer: dW, then db.</param>
    public Linear(IBackend backend, LayerSpec spec, DeviceBuffer<float> gradients)
    {
        Spec = spec;
        Weight = backend.Allocate<float>(spec.Out * spec.In);
        Bias = backend.Allocate<float>(spec.Out);
        WeightGrad = gradients.Slice(0, spec.Out * spec.In);
        BiasGrad = gradients.Slice(spec.Out * spec.In, spec.Out);
        WeightVelocity = backend.Allocate<float>(spec.Out * spec.In);
        BiasVelocity = backend.Allocate<float>(spec.Out);
    }

    public LayerSpec Spec { get; }
    public DeviceBuffer<float> Weight { get; }
    public DeviceBuffer<float> Bias { get; }
    public DeviceBuffer<float> WeightGrad { get; }
    public DeviceBuffer<float> BiasGrad { get; }
    public DeviceBuffer<float> WeightVelocity { get; }
    public DeviceBuffer<float> BiasVelocity { get; }

    /// <summary>Initialises W by <paramref name="scheme"/> and zeroes b and both velocities.</summary>
    public void Initialise(IBackend backend, InitScheme scheme, ulong seed)
    {
        int fanIn = Spec.In, fanOut = Spec.Out;
        switch (InitSchemes.Resolve(scheme, Spec))
        {
            case InitScheme.He:
                backend.InitNormal(Weight, 0f, MathF.Sqrt(2f / fanIn), seed);
                break;
            case InitScheme.Normal:
                backend.InitNormal(Weight, 0f, InitSchemes.NormalStd, seed);
                break;
            case InitScheme.Xavier:
                float limit = MathF.Sqrt(6f / (fanIn + fanOut));
                backend.InitUniform(Weight, -limit, limit, seed);
                break;
            default:
                backend.Fill(Weight, Weight.Length, 0f);
                break;
        }
        backend.Fill(Bias, Bias.Length, 0f);
        backend.Fill(WeightVelocity, WeightVelocity.Length, 0f);
        backend.Fill(BiasVelocity, BiasVelocity.Length, 0f);
    }

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
        WeightVelocity.Dispose();
        BiasVelocity.Dispose();
    }
}
