using GpuNet.Kernels;
using ILGPU;

namespace GpuNet.Backends.Ilgpu;

/// <summary>The optimiser updates over a whole flat parameter buffer, and clipping's device-side norm.</summary>
public sealed partial class IlgpuBackend
{
    // ClipScale's partial sums of squares, one per group of its first launch.
    private readonly IlgpuBuffer<float> _squarePartialSums;

    public void SgdUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? velocity, int count, in SgdParams sgd,
        DeviceBuffer<float>? gradScale = null)
    {
        var w = Need(parameters, count, nameof(parameters));
        var g = Need(gradients, count, nameof(gradients));
        // With momentum 0 the velocity is never touched: it may be missing, and its length does not matter.
        var v = sgd.Momentum != 0f ? Need(velocity ?? throw new ArgumentNullException(nameof(velocity), "SGD with momentum needs a velocity buffer"), count, nameof(velocity))
            : velocity is null ? _dummy : Own(velocity, nameof(velocity));
        var p = sgd.KernelParams();
        var s = ScaleView(gradScale, ref p.ScaleOnDevice);
        if (count > 0)
            Launch(IlgpuKernels.Sgd)(_stream, count, w.View, g.View, v.View, s, p);
    }

    public void AdamUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> expAvg, DeviceBuffer<float> expAvgSq, int count,
        in AdamParams adam, DeviceBuffer<float>? gradScale = null)
    {
        var p = adam.KernelParams();
        var w = Need(parameters, count, nameof(parameters));
        var g = Need(gradients, count, nameof(gradients));
        var m = Need(expAvg, count, nameof(expAvg));
        var v = Need(expAvgSq, count, nameof(expAvgSq));
        var s = ScaleView(gradScale, ref p.ScaleOnDevice);
        if (count > 0)
            Launch(IlgpuKernels.Adam)(_stream, count, w.View, g.View, m.View, v.View, s, p);
    }

    /// <summary>The view an update reads its gradient factor from, flagging it; the unread stand-in when there is none.</summary>
    private ArrayView<float> ScaleView(DeviceBuffer<float>? gradScale, ref int scaleOnDevice)
    {
        if (gradScale is null) return _dummy.View;
        scaleOnDevice = 1;
        return Need(gradScale, 1, nameof(gradScale)).View;
    }

    /// <summary>
    /// Two launches: up to <see cref="ReduceKernels.SquareSumGroups"/> groups each reduce their strided share of Σ g² to one
    /// partial sum, then one group adds the partial sums and writes the factor. Groups of 256 threads where the device
    /// allows it (GPUs, PoCL), of ILGPU's simulator's 16 otherwise: a power of two, as the kernels' tree needs.
    /// </summary>
    public void ClipScale(DeviceBuffer<float> gradients, int count, float maxNorm, DeviceBuffer<float> scale)
    {
        var g = Need(gradients, count, nameof(gradients));
        var s = Need(scale, 1, nameof(scale));
        int width = IlgpuKernels.ClipScale.Entry.GroupSizeFor(_accelerator.MaxNumThreadsPerGroup);
        if (!int.IsPow2(width))
            throw new NotSupportedException($"{Device.Id}: the clipping reduction needs a power-of-two group, and {width} threads is the most this device allows");
        int groups = (int)Math.Clamp((count + (long)width - 1) / width, 1, ReduceKernels.SquareSumGroups);
        Launch(IlgpuKernels.SquareSums)(_stream, new KernelConfig(groups, width), g.View, _squarePartialSums.View, count);
        Launch(IlgpuKernels.ClipScale)(_stream, new KernelConfig(1, width), _squarePartialSums.View, s.View, groups, maxNorm);
    }
}
