using GpuNet.Kernels;
using ILGPU;

namespace GpuNet.Backends.Ilgpu;

/// <summary>The optimiser updates over a whole flat parameter buffer, and clipping's device-side norm.</summary>
public sealed partial class IlgpuBackend
{
    // ClipScale's partial sums of squares, one per thread of its first launch.
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

    /// <summary>Two launches: fixed-stride partial sums of squares, then one thread sums them in order and writes the factor.</summary>
    public void ClipScale(DeviceBuffer<float> gradients, int count, float maxNorm, DeviceBuffer<float> scale)
    {
        var g = Need(gradients, count, nameof(gradients));
        var s = Need(scale, 1, nameof(scale));
        int threads = Math.Max(1, Math.Min(count, ReduceKernels.SquarePartialCount));
        Launch(IlgpuKernels.SquarePartials)(_stream, threads, g.View, _squarePartialSums.View, count, threads);
        Launch(IlgpuKernels.ClipScale)(_stream, 1, _squarePartialSums.View, s.View, threads, maxNorm);
    }
}
