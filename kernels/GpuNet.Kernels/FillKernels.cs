using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Fill and copy as kernels, so they queue in order with everything else on the stream.</summary>
public static class FillKernels
{
    public static void Fill(Index1D index, ArrayView<float> buffer, float value) => buffer[index.X] = value;

    public static void Copy(Index1D index, ArrayView<float> source, ArrayView<float> destination) =>
        destination[index.X] = source[index.X];
}
