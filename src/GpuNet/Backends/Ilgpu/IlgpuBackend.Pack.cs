namespace GpuNet.Backends.Ilgpu;

// PLACEHOLDER (branch pack only, never to land): the ILGPU pack kernels are being written on branch packilgpu.
public sealed partial class IlgpuBackend
{
    public void PackBiasActivation(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float>? dropped, DeviceBuffer<float> bias, int firstFeature, int features, int rows, int stepRow) => throw new NotSupportedException("pack ops on ILGPU: not yet");
    public void PackLoss(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float> deltas, DeviceBuffer<int> labels, int rows, int stepRow, DeviceBuffer<float> stats, int statsOffset, int statsStride) => throw new NotSupportedException("pack ops on ILGPU: not yet");
    public void PackActivationBackward(PackTables pack, DeviceBuffer<float> deltas, DeviceBuffer<float> outputs, int firstFeature, int features, int rows, int stepRow) => throw new NotSupportedException("pack ops on ILGPU: not yet");
    public void RowSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums) => throw new NotSupportedException("pack ops on ILGPU: not yet");
    public void PackClipScale(PackTables pack, DeviceBuffer<float> gradients, DeviceBuffer<float> scales) => throw new NotSupportedException("pack ops on ILGPU: not yet");
    public void PackUpdate(PackTables pack, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? state1, DeviceBuffer<float>? state2, int stepRow, DeviceBuffer<float>? scales) => throw new NotSupportedException("pack ops on ILGPU: not yet");
}
