using System.Numerics;
using System.Runtime.Intrinsics;
using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// The managed backend: plain C# with SIMD intrinsics, every op finished when the call returns.
/// Only GEMM, the SGD and Adam updates and the minibatch gather use several threads (<see cref="CpuWorkers"/>); the rest is single-threaded.
/// Not thread-safe: one backend serves one training loop, like a device queue.
/// </summary>
public sealed partial class CpuBackend : IBackend
{
    private readonly ICpuGemm _gemm;
    private readonly ParallelSgd _sgd;
    private readonly ParallelAdam _adam;
    private readonly ParallelGather<float> _floatGather;
    private readonly ParallelGather<byte> _byteGather;

    public CpuBackend() : this(Vector512.IsHardwareAccelerated) { }

    /// <summary>
    /// Tests pass <paramref name="useVector512"/> = true on machines without AVX-512 too: the
    /// 512-bit kernel then runs in software, slowly but with the same results, so both kernels stay tested.
    /// </summary>
    internal CpuBackend(bool useVector512)
    {
        var workers = CpuWorkers.Shared;
        _gemm = useVector512 ? new CpuGemm<Vector512Kernel>(workers) : new CpuGemm<PortableVectorKernel>(workers);
        _sgd = new ParallelSgd(workers);
        _adam = new ParallelAdam(workers);
        _floatGather = new ParallelGather<float>(workers, CopyRow);
        _byteGather = new ParallelGather<byte>(workers, WidenAndDivide);
        Device = Describe(useVector512);
    }

    /// <summary>What <c>gpunet devices</c> shows for "cpu": the host, the thread count and the SIMD width in use.</summary>
    public static DeviceInfo DefaultDevice => Describe(Vector512.IsHardwareAccelerated);

    private static DeviceInfo Describe(bool useVector512)
    {
        string simd = useVector512 ? "Vector512"
            : Vector<float>.Count == 8 && Vector256.IsHardwareAccelerated ? "Vector256"
            : $"Vector<T> ({Vector<float>.Count * 32}-bit)";
        return new DeviceInfo("cpu", HostMachine.CpuName, DeviceKind.Cpu, HostMachine.MemoryBytes,
            $"managed SIMD backend, {CpuWorkers.Shared.Threads} threads, {simd}", IsGpu: false);
    }

    public DeviceInfo Device { get; }

    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged => new CpuBuffer<T>(new T[length], 0, length);

    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination) where T : unmanaged =>
        source.CopyTo(Own(destination).Span);

    public void Download<T>(DeviceBuffer<T> source, Span<T> destination) where T : unmanaged =>
        Own(source).First(destination.Length).CopyTo(destination);

    public void Synchronize() { }

    public void Fill(DeviceBuffer<float> buffer, int count, float value) => Own(buffer).First(count).Fill(value);

    public void Copy(DeviceBuffer<float> source, DeviceBuffer<float> destination, int count) =>
        Own(source).First(count).CopyTo(Own(destination).First(count));

    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c)
    {
        shape.Validate();
        CheckExtent(a, shape.ExtentA, "A");
        CheckExtent(b, shape.ExtentB, "B");
        CheckExtent(c, shape.ExtentC, "C");
        _gemm.Run(shape, Own(a), Own(b), Own(c));
    }

    public void BiasActivation(DeviceBuffer<float> y, DeviceBuffer<float> bias, int rows, int cols, Activation activation) =>
        CpuElementwise.BiasActivation(Own(y).First(rows * cols), Own(bias).Span, rows, cols, activation);

    public void ActivationForward(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, Activation activation) =>
        CpuElementwise.Forward(Own(input).First(count), Own(output).First(count), activation);

    public void ActivationBackward(DeviceBuffer<float> gradOutput, DeviceBuffer<float> output, DeviceBuffer<float> gradInput, int count, Activation activation) =>
        CpuElementwise.Backward(Own(gradOutput).First(count), Own(output).First(count), Own(gradInput).First(count), activation);

    public void ColumnSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums) =>
        CpuElementwise.ColumnSums(Own(x).First(rows * cols), rows, cols, Own(sums).Span);

    public void SoftmaxCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null) =>
        CpuLoss.SoftmaxCrossEntropy(Own(logits).First(rows * classes), Own(labels).First(rows), rows, classes,
            gradLogits is null ? default : Own(gradLogits).First(rows * classes), gradLogits is not null, gradScale, Own(stats).First(2 * rows),
            classWeights is null ? default : Own(classWeights).First(classes));

    public void SigmoidBinaryCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null) =>
        CpuLoss.SigmoidBinaryCrossEntropy(Own(logits).First(rows), Own(labels).First(rows), rows,
            gradLogits is null ? default : Own(gradLogits).First(rows), gradLogits is not null, gradScale, Own(stats).First(2 * rows),
            classWeights is null ? default : Own(classWeights).First(2));

    public void Softmax(DeviceBuffer<float> logits, DeviceBuffer<float> probabilities, int rows, int classes) =>
        CpuLoss.Softmax(Own(logits).First(rows * classes), Own(probabilities).First(rows * classes), rows, classes);

    public void SgdUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? velocity, int count, in SgdParams sgd,
        DeviceBuffer<float>? gradScale = null) =>
        _sgd.Run(Own(parameters), Own(gradients), velocity is null ? null : Own(velocity), count, sgd.KernelParams(Scale(gradScale)));

    public void AdamUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> expAvg, DeviceBuffer<float> expAvgSq, int count,
        in AdamParams adam, DeviceBuffer<float>? gradScale = null) =>
        _adam.Run(Own(parameters), Own(gradients), Own(expAvg), Own(expAvgSq), count, adam.KernelParams(Scale(gradScale)));

    /// <summary>The factor a clipped update reads: host memory here, so reading it waits for nothing.</summary>
    private static float Scale(DeviceBuffer<float>? gradScale) => gradScale is null ? 1f : Own(gradScale).First(1)[0];

    /// <summary>Σ g² in float64, in index order: what the host summed when it downloaded the gradients, so a clipped run keeps its bits.</summary>
    public void ClipScale(DeviceBuffer<float> gradients, int count, float maxNorm, DeviceBuffer<float> scale)
    {
        double sumOfSquares = 0;
        AddSquares(Own(gradients).First(count), ref sumOfSquares);
        Own(scale).First(1)[0] = ClipFactor(sumOfSquares, maxNorm);
    }

    private static void AddSquares(ReadOnlySpan<float> gradients, ref double sumOfSquares)
    {
        foreach (float g in gradients) sumOfSquares += (double)g * g;
    }

    /// <summary>clip_grad_norm_'s factor from Σ g² (PyTorch's 1e-6 included).</summary>
    private static float ClipFactor(double sumOfSquares, float maxNorm)
    {
        double norm = Math.Sqrt(sumOfSquares);
        return norm > maxNorm ? (float)(maxNorm / (norm + 1e-6)) : 1f;
    }

    public void Dropout(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, float probability, ulong seed)
    {
        DropoutChecks.Probability(probability);
        var from = Own(input).First(count);
        var to = Own(output).First(count);
        float scale = DropoutChecks.Scale(probability);
        for (int i = 0; i < count; i++)
            to[i] = DropoutMask.Keeps(seed, i, probability) ? from[i] * scale : 0f;
    }

    public void InitUniform(DeviceBuffer<float> buffer, float low, float high, ulong seed)
    {
        var span = Own(buffer).Span;
        for (int i = 0; i < span.Length; i++)
            span[i] = CounterRandom.UniformIn(seed, (ulong)i, low, high);
    }

    public void InitNormal(DeviceBuffer<float> buffer, float mean, float std, ulong seed)
    {
        var span = Own(buffer).Span;
        for (int i = 0; i < span.Length; i++)
            span[i] = CounterRandom.Normal(seed, (ulong)i, mean, std);
    }

    public void Dispose() { }

    private static CpuBuffer<T> Own<T>(DeviceBuffer<T> buffer) where T : unmanaged =>
        buffer as CpuBuffer<T> ?? throw new ArgumentException($"a {buffer.GetType().Name} does not belong to the cpu backend", nameof(buffer));

    private static void CheckExtent(DeviceBuffer<float> buffer, long extent, string name)
    {
        if (extent > buffer.Length)
            throw new ArgumentException($"GEMM reads {extent} elements of {name}, which holds {buffer.Length}", name);
    }
}
