using GpuNet.Backends;

namespace GpuNet.Nn;

/// <summary>
/// The parameters of one linear layer on a backend, with their gradients and the SGD
/// momentum buffers: W [Out, In] and b [Out], as in PyTorch's nn.Linear.
/// </summary>
public sealed class Linear : IDisposable
{
    public Linear(IBackend backend, LayerSpec spec)
    {
        Spec = spec;
        Weight = backend.Allocate<float>(spec.Out * spec.In);
        Bias = backend.Allocate<float>(spec.Out);
        WeightGrad = backend.Allocate<float>(spec.Out * spec.In);
        BiasGrad = backend.Allocate<float>(spec.Out);
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
        WeightGrad.Dispose();
        BiasGrad.Dispose();
        WeightVelocity.Dispose();
        BiasVelocity.Dispose();
    }
}
