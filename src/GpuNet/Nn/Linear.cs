using GpuNet.Backends;

namespace GpuNet.Nn;

/// <summary>
/// One linear layer's views into its network's flat buffers: W [Out, In] and b [Out], as in PyTorch's nn.Linear,
/// slices of <see cref="Network.Parameters"/>, and dW and db, the same slices of <see cref="Network.Gradients"/>.
/// It owns no memory and no optimiser state.
/// </summary>
public sealed class Linear
{
    /// <param name="parameters">Out × In + Out elements of the network's parameter buffer: W, then b.</param>
    /// <param name="gradients">The same elements of the network's gradient buffer: dW, then db.</param>
    public Linear(LayerSpec spec, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients)
    {
        Spec = spec;
        Weight = parameters.Slice(0, spec.Out * spec.In);
        Bias = parameters.Slice(spec.Out * spec.In, spec.Out);
        WeightGrad = gradients.Slice(0, spec.Out * spec.In);
        BiasGrad = gradients.Slice(spec.Out * spec.In, spec.Out);
    }

    public LayerSpec Spec { get; }
    public DeviceBuffer<float> Weight { get; }
    public DeviceBuffer<float> Bias { get; }
    public DeviceBuffer<float> WeightGrad { get; }
    public DeviceBuffer<float> BiasGrad { get; }

    /// <summary>Initialises W by <paramref name="scheme"/> and zeroes b.</summary>
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
    }
}
