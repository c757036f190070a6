using GpuNet.Kernels;
using ILGPU;

namespace GpuNet.Backends.Ilgpu;

/// <summary>Fill, copy, bias and activations, column sums, dropout and the random initialisers: one thread per element (column sums: per column).</summary>
public sealed partial class IlgpuBackend
{
    public void Fill(DeviceBuffer<float> buffer, int count, float value)
    {
        var b = Need(buffer, count, nameof(buffer));
        if (count > 0)
            Launch(IlgpuKernels.Fill)(_stream, count, b.View, value);
    }

    public void Copy(DeviceBuffer<float> source, DeviceBuffer<float> destination, int count)
    {
        var s = Need(source, count, nameof(source));
        var d = Need(destination, count, nameof(destination));
        if (count > 0)
            Launch(IlgpuKernels.Copy)(_stream, count, s.View, d.View);
    }

    public void BiasActivation(DeviceBuffer<float> y, DeviceBuffer<float> bias, int rows, int cols, Activation activation)
    {
        int count = Elements(rows, cols);
        var yv = Need(y, count, nameof(y));
        var bv = Need(bias, cols, nameof(bias));
        CheckActivation(activation);
        if (count > 0)
            Launch(IlgpuKernels.BiasActivation)(_stream, count, yv.View, bv.View, cols, (int)activation);
    }

    public void ActivationForward(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, Activation activation)
    {
        var i = Need(input, count, nameof(input));
        var o = Need(output, count, nameof(output));
        CheckActivation(activation);
        if (count > 0)
            Launch(IlgpuKernels.ActivationForward)(_stream, count, i.View, o.View, (int)activation);
    }

    public void ActivationBackward(DeviceBuffer<float> gradOutput, DeviceBuffer<float> output, DeviceBuffer<float> gradInput, int count, Activation activation)
    {
        var g = Need(gradOutput, count, nameof(gradOutput));
        var y = Need(output, count, nameof(output));
        var gi = Need(gradInput, count, nameof(gradInput));
        CheckActivation(activation);
        if (count > 0)
            Launch(IlgpuKernels.ActivationBackward)(_stream, count, g.View, y.View, gi.View, (int)activation);
    }

    public void ColumnSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums)
    {
        var xv = Need(x, Elements(rows, cols), nameof(x));
        var sv = Need(sums, cols, nameof(sums));
        if (cols == 0)
            return;
        // 32 columns × 8 lanes where groups allow it (GPUs, PoCL); ILGPU's 16-thread simulator gets 16 × 1.
        int threads = _accelerator.MaxNumThreadsPerGroup;
        int width = Math.Min(ReduceKernels.Columns, threads);
        int lanes = Math.Max(1, Math.Min(ReduceKernels.Lanes, threads / width));
        Launch(IlgpuKernels.ColumnSums)(_stream, new KernelConfig(new Index2D((cols + width - 1) / width, 1), new Index2D(width, lanes)), xv.View, sv.View, rows, cols);
    }

    public void Dropout(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, float probability, ulong seed)
    {
        DropoutChecks.Probability(probability);
        var x = Need(input, count, nameof(input));
        var y = Need(output, count, nameof(output));
        if (count > 0)
            Launch(IlgpuKernels.Dropout)(_stream, count, x.View, y.View, new DropoutKernelParams { Seed = seed, Probability = probability, Scale = DropoutChecks.Scale(probability) });
    }

    public void InitUniform(DeviceBuffer<float> buffer, float low, float high, ulong seed)
    {
        var b = Own(buffer, nameof(buffer));
        if (b.Length > 0)
            Launch(IlgpuKernels.InitUniform)(_stream, b.Length, b.View, low, high, seed);
    }

    public void InitNormal(DeviceBuffer<float> buffer, float mean, float std, ulong seed)
    {
        var b = Own(buffer, nameof(buffer));
        if (b.Length > 0)
            Launch(IlgpuKernels.InitNormal)(_stream, b.Length, b.View, mean, std, seed);
    }
}
