namespace GpuNet.Tests.Models;

/// <summary>A test double: a real backend whose column sums (the bias gradient) come out doubled — a planted backward bug.</summary>
public sealed class WrongBiasGradientBackend(IBackend inner) : IBackend
{
    public DeviceInfo Device => inner.Device;

    public void ColumnSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums)
    {
        inner.ColumnSums(x, rows, cols, sums);
        var host = new float[cols];
        inner.Download(sums, host.AsSpan());
        for (int i = 0; i < cols; i++) host[i] *= 2;
        inner.Upload<float>(host, sums);
    }

    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged => inner.Allocate<T>(length);
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination) where T : unmanaged => inner.Upload(source, destination);
    public void Download<T>(DeviceBuffer<T> source, Span<T> destination) where T : unmanaged => inner.Download(source, destination);
    public void Synchronize() => inner.Synchronize();
    public void Fill(DeviceBuffer<float> buffer, int count, float value) => inner.Fill(buffer, count, value);
    public void Copy(DeviceBuffer<float> source, DeviceBuffer<float> destination, int count) => inner.Copy(source, destination, count);
    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c) => inner.Gemm(shape, a, b, c);
    public void BiasActivation(DeviceBuffer<float> y, DeviceBuffer<float> bias, int rows, int cols, Activation activation) => inner.BiasActivation(y, bias, rows, cols, activation);
    public void ActivationForward(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, Activation activation) => inner.ActivationForward(input, output, count, activation);
    public void ActivationBackward(DeviceBuffer<float> gradOutput, DeviceBuffer<float> output, DeviceBuffer<float> gradInput, int count, Activation activation) => inner.ActivationBackward(gradOutput, output, gradInput, count, activation);
    public void SoftmaxCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes, DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null) =>
        inner.SoftmaxCrossEntropy(logits, labels, rows, classes, gradLogits, gradScale, stats, classWeights);
    public void SigmoidBinaryCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null) =>
        inner.SigmoidBinaryCrossEntropy(logits, labels, rows, gradLogits, gradScale, stats, classWeights);
    public void Softmax(DeviceBuffer<float> logits, DeviceBuffer<float> probabilities, int rows, int classes) => inner.Softmax(logits, probabilities, rows, classes);
    public void SgdUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? velocity, int count, in SgdParams sgd, DeviceBuffer<float>? gradScale = null) =>
        inner.SgdUpdate(parameters, gradients, velocity, count, sgd, gradScale);
    public void AdamUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> expAvg, DeviceBuffer<float> expAvgSq, int count, in AdamParams adam, DeviceBuffer<float>? gradScale = null) =>
        inner.AdamUpdate(parameters, gradients, expAvg, expAvgSq, count, adam, gradScale);
    public void ClipScale(DeviceBuffer<float> gradients, int count, float maxNorm, DeviceBuffer<float> scale) => inner.ClipScale(gradients, count, maxNorm, scale);
    public void Dropout(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, float probability, ulong seed) => inner.Dropout(input, output, count, probability, seed);
    public void GatherRows(DeviceBuffer<float> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) => inner.GatherRows(source, cols, scaling, indices, indexOffset, rows, destination);
    public void GatherRows(DeviceBuffer<byte> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) => inner.GatherRows(source, cols, scaling, indices, indexOffset, rows, destination);
    public void GatherLabels(DeviceLabels source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination) => inner.GatherLabels(source, indices, indexOffset, count, destination);
    public void InitUniform(DeviceBuffer<float> buffer, float low, float high, ulong seed) => inner.InitUniform(buffer, low, high, seed);
    public void InitNormal(DeviceBuffer<float> buffer, float mean, float std, ulong seed) => inner.InitNormal(buffer, mean, std, seed);
    public void PackBiasActivation(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float>? dropped, DeviceBuffer<float> bias, int firstFeature, int features, int rows, int stepRow) =>
        inner.PackBiasActivation(pack, outputs, dropped, bias, firstFeature, features, rows, stepRow);
    public void PackLoss(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float> deltas, DeviceBuffer<int> labels, int rows, int stepRow, DeviceBuffer<float> stats, int statsOffset, int statsStride) =>
        inner.PackLoss(pack, outputs, deltas, labels, rows, stepRow, stats, statsOffset, statsStride);
    public void PackActivationBackward(PackTables pack, DeviceBuffer<float> deltas, DeviceBuffer<float> outputs, int firstFeature, int features, int rows, int stepRow) =>
        inner.PackActivationBackward(pack, deltas, outputs, firstFeature, features, rows, stepRow);
    public void RowSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums) => inner.RowSums(x, rows, cols, sums);
    public void PackClipScale(PackTables pack, DeviceBuffer<float> gradients, DeviceBuffer<float> scales) => inner.PackClipScale(pack, gradients, scales);
    public void PackUpdate(PackTables pack, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? state1, DeviceBuffer<float>? state2, int stepRow, DeviceBuffer<float>? scales) =>
        inner.PackUpdate(pack, parameters, gradients, state1, state2, stepRow, scales);
    public void Dispose() => inner.Dispose();
}
