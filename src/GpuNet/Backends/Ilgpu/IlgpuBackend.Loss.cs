using GpuNet.Kernels;

namespace GpuNet.Backends.Ilgpu;

/// <summary>The fused losses, class weights optional inside them, and softmax for prediction: one thread per row.</summary>
public sealed partial class IlgpuBackend
{
    public void SoftmaxCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null)
    {
        var (z, l, g, s, p) = SoftmaxLoss(logits, labels, rows, classes, gradLogits, gradScale, stats);
        p.Weighted = classWeights is null ? 0 : 1;
        var w = classWeights is null ? _dummy : Need(classWeights, classes, nameof(classWeights));
        if (rows > 0)
            Launch(IlgpuKernels.SoftmaxCrossEntropy)(_stream, rows, z.View, l.View, w.View, g.View, s.View, p);
    }

    public void SigmoidBinaryCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null)
    {
        var (z, l, g, s, p) = LogisticLoss(logits, labels, rows, gradLogits, gradScale, stats);
        p.Weighted = classWeights is null ? 0 : 1;
        var w = classWeights is null ? _dummy : Need(classWeights, 2, nameof(classWeights));
        if (rows > 0)
            Launch(IlgpuKernels.SigmoidBce)(_stream, rows, z.View, l.View, w.View, g.View, s.View, p);
    }

    /// <summary>The checked buffers and the scalars of a softmax cross-entropy launch, weighted or not.</summary>
    private (IlgpuBuffer<float> Logits, IlgpuBuffer<int> Labels, IlgpuBuffer<float> Gradient, IlgpuBuffer<float> Stats, SoftmaxCrossEntropyParams Params) SoftmaxLoss(
        DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes, DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats)
    {
        int count = Elements(rows, classes);
        if (rows > 0 && classes < 1)
            throw new ArgumentException($"softmax cross-entropy needs at least one class (got {classes})", nameof(classes));
        var (z, l, g, s) = LossBuffers(logits, labels, rows, count, gradLogits, stats);
        return (z, l, g, s, new SoftmaxCrossEntropyParams { Classes = classes, WriteGradient = gradLogits is null ? 0 : 1, GradScale = gradScale });
    }

    /// <summary>The checked buffers and the scalars of a sigmoid binary cross-entropy launch (one logit per row), weighted or not.</summary>
    private (IlgpuBuffer<float> Logits, IlgpuBuffer<int> Labels, IlgpuBuffer<float> Gradient, IlgpuBuffer<float> Stats, LogisticParams Params) LogisticLoss(
        DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var (z, l, g, s) = LossBuffers(logits, labels, rows, rows, gradLogits, stats);
        return (z, l, g, s, new LogisticParams { WriteGradient = gradLogits is null ? 0 : 1, GradScale = gradScale });
    }

    /// <summary>A loss's logits (<paramref name="count"/> of them), labels and per-row stats, and its gradient or the stand-in when none is wanted.</summary>
    private (IlgpuBuffer<float> Logits, IlgpuBuffer<int> Labels, IlgpuBuffer<float> Gradient, IlgpuBuffer<float> Stats) LossBuffers(
        DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int count, DeviceBuffer<float>? gradLogits, DeviceBuffer<float> stats)
    {
        var z = Need(logits, count, nameof(logits));
        var l = Need(labels, rows, nameof(labels));
        var s = Need(stats, 2L * rows, nameof(stats));
        var g = gradLogits is null ? _dummy : Need(gradLogits, count, nameof(gradLogits));
        return (z, l, g, s);
    }

    public void Softmax(DeviceBuffer<float> logits, DeviceBuffer<float> probabilities, int rows, int classes)
    {
        int count = Elements(rows, classes);
        if (rows > 0 && classes < 1)
            throw new ArgumentException($"softmax needs at least one class (got {classes})", nameof(classes));
        var z = Need(logits, count, nameof(logits));
        var pr = Need(probabilities, count, nameof(probabilities));
        if (rows > 0)
            Launch(IlgpuKernels.Softmax)(_stream, rows, z.View, pr.View, classes);
    }
}
