using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

// CONTRACT STUB: replaced by the managed SIMD backend. Every member throws until then.
public sealed class CpuBackend : IBackend
{
    public DeviceInfo Device => throw new NotImplementedException();
    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged => throw new NotImplementedException();
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination) where T : unmanaged => throw new NotImplementedException();
    public void Download<T>(DeviceBuffer<T> source, Span<T> destination) where T : unmanaged => throw new NotImplementedException();
    public void Synchronize() => throw new NotImplementedException();
    public void Fill(DeviceBuffer<float> buffer, int count, float value) => throw new NotImplementedException();
    public void Copy(DeviceBuffer<float> source, DeviceBuffer<float> destination, int count) => throw new NotImplementedException();
    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c) => throw new NotImplementedException();
    public void BiasActivation(DeviceBuffer<float> y, DeviceBuffer<float> bias, int rows, int cols, Activation activation) => throw new NotImplementedException();
    public void ActivationForward(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, Activation activation) => throw new NotImplementedException();
    public void ActivationBackward(DeviceBuffer<float> gradOutput, DeviceBuffer<float> output, DeviceBuffer<float> gradInput, int count, Activation activation) => throw new NotImplementedException();
    public void ColumnSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums) => throw new NotImplementedException();
    public void SoftmaxCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes, DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats) => throw new NotImplementedException();
    public void SigmoidBinaryCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats) => throw new NotImplementedException();
    public void Softmax(DeviceBuffer<float> logits, DeviceBuffer<float> probabilities, int rows, int classes) => throw new NotImplementedException();
    public void SgdUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> velocity, int count, in SgdParams sgd) => throw new NotImplementedException();
    public void GatherRows(DeviceBuffer<float> source, int cols, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) => throw new NotImplementedException();
    public void GatherLabels(DeviceBuffer<int> source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination) => throw new NotImplementedException();
    public void InitUniform(DeviceBuffer<float> buffer, float low, float high, ulong seed) => throw new NotImplementedException();
    public void InitNormal(DeviceBuffer<float> buffer, float mean, float std, ulong seed) => throw new NotImplementedException();
    public void Dispose() { }
}
