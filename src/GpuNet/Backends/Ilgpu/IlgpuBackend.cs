using System.Runtime.CompilerServices;
using GpuNet.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// <see cref="IBackend"/> over any ILGPU accelerator (CUDA, OpenCL, or ILGPU's CPU simulator).
/// Every kernel is compiled and loaded once, in the constructor; an op validates its
/// arguments on the host, then only enqueues a launch on the accelerator's default stream.
/// Only <see cref="Download{T}"/> and <see cref="Synchronize"/> wait for the device.
/// </summary>
public sealed class IlgpuBackend : IBackend
{
    private readonly Accelerator accelerator;
    private readonly AcceleratorStream stream;
    private readonly Context? ownedContext;
    // Stands in for an optional output the kernel will not touch (a flag says so).
    private readonly IlgpuBuffer<float> dummy;
    private GemmKernel gemmKernel;

    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams> gemmNaive;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams> gemmTiled16;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> biasActivation;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> activationForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> activationBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> columnSums;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, SoftmaxCrossEntropyParams> softmaxCrossEntropy;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> softmax;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, LogisticParams> sigmoidBce;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdKernelParams> sgd;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int> gatherRows;
    private readonly Action<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, int> gatherLabels;
    private readonly Action<Index1D, ArrayView<float>, float, float, ulong> initUniform;
    private readonly Action<Index1D, ArrayView<float>, float, float, ulong> initNormal;
    private readonly Action<Index1D, ArrayView<float>, float> fill;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>> copy;

    /// <summary>
    /// Wraps <paramref name="accelerator"/>. <paramref name="gemm"/> picks the GEMM rung
    /// (default: <see cref="DefaultGemmKernel"/>); <paramref name="ownedContext"/>, when
    /// given, is disposed with the backend (after the accelerator).
    /// </summary>
    public IlgpuBackend(Accelerator accelerator, DeviceInfo? device = null, GemmKernel? gemm = null, Context? ownedContext = null)
    {
        this.accelerator = accelerator ?? throw new ArgumentNullException(nameof(accelerator));
        this.ownedContext = ownedContext;
        stream = accelerator.DefaultStream;
        Device = device ?? DescribeAccelerator(accelerator);

        gemmNaive = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmNaive.Kernel);
        gemmTiled16 = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmTiled16.Kernel);
        biasActivation = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ActivationKernels.BiasActivation);
        activationForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(ActivationKernels.Forward);
        activationBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ActivationKernels.Backward);
        columnSums = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ReduceKernels.ColumnSums);
        softmaxCrossEntropy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, SoftmaxCrossEntropyParams>(SoftmaxKernels.CrossEntropy);
        softmax = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(SoftmaxKernels.Softmax);
        sigmoidBce = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, LogisticParams>(LogisticKernels.SigmoidBce);
        sgd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdKernelParams>(OptimKernels.Sgd);
        gatherRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>(GatherKernels.Rows);
        gatherLabels = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, int>(GatherKernels.Labels);
        initUniform = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, float, ulong>(RandomKernels.Uniform);
        initNormal = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, float, ulong>(RandomKernels.Normal);
        fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(FillKernels.Fill);
        copy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(FillKernels.Copy);

        dummy = new IlgpuBuffer<float>(accelerator, 1);
        GemmKernel = gemm ?? DefaultGemmKernel(accelerator);
    }

    public DeviceInfo Device { get; }

    /// <summary>The underlying accelerator (for diagnostics and benchmarks).</summary>
    public Accelerator Accelerator => accelerator;

    /// <summary>
    /// The GEMM rung used by <see cref="Gemm"/>. Every rung is loaded up front, so switching
    /// costs nothing; tests use this to run each rung on one shared accelerator.
    /// </summary>
    public GemmKernel GemmKernel
    {
        get => gemmKernel;
        set
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "unknown GEMM kernel");
            if (value == GemmKernel.Tiled16 && !SupportsGroup(GemmTiled16.Tile, GemmTiled16.Tile))
                throw new NotSupportedException($"GEMM kernel {value} needs {GemmTiled16.Tile}x{GemmTiled16.Tile} thread groups; {accelerator.Name} allows {accelerator.MaxNumThreadsPerGroup} threads per group");
            gemmKernel = value;
        }
    }

    /// <summary>
    /// The rung an accelerator gets unless told otherwise. ILGPU's CPU accelerator simulates
    /// barriers with OS threads (milliseconds per round), so the barrier-free naive kernel is
    /// far faster there; real GPUs (CUDA, OpenCL) get the shared-memory tiled kernel.
    /// </summary>
    public static GemmKernel DefaultGemmKernel(Accelerator accelerator) =>
        accelerator.AcceleratorType == AcceleratorType.CPU ? GemmKernel.Naive : GemmKernel.Tiled16;

    private bool SupportsGroup(int x, int y) =>
        accelerator.MaxNumThreadsPerGroup >= x * y && accelerator.MaxGroupSize.X >= x && accelerator.MaxGroupSize.Y >= y;

    internal static DeviceInfo DescribeAccelerator(Accelerator accelerator)
    {
        var kind = accelerator.AcceleratorType switch
        {
            AcceleratorType.Cuda => DeviceKind.Cuda,
            AcceleratorType.OpenCL => DeviceKind.OpenCL,
            _ => DeviceKind.IlgpuCpu,
        };
        string id = kind switch { DeviceKind.Cuda => "cuda", DeviceKind.OpenCL => "opencl", _ => "ilgpu-cpu" };
        return new DeviceInfo(id, accelerator.Name, kind, accelerator.MemorySize,
            $"{accelerator.AcceleratorType}, {accelerator.MaxNumThreadsPerGroup} threads per group", kind != DeviceKind.IlgpuCpu);
    }

    // ---- memory -------------------------------------------------------------------------

    public DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var buffer = new IlgpuBuffer<T>(accelerator, length);
        // ILGPU allocations are uninitialised; the contract promises zeros. Enqueued like any op.
        buffer.Owner!.View.MemSetToZero(stream);
        return buffer;
    }

    public unsafe void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination) where T : unmanaged
    {
        var dst = Own(destination, nameof(destination));
        if (source.Length > dst.Length)
            throw new ArgumentException($"upload of {source.Length} elements into a buffer of {dst.Length}", nameof(source));
        if (source.Length == 0)
            return;
        // Pinned for the duration: ILGPU copies through the raw address and synchronizes before returning.
        fixed (T* p = source)
            dst.View.SubView(0, source.Length).CopyFromCPU(stream, ref Unsafe.AsRef<T>(p), source.Length);
    }

    public unsafe void Download<T>(DeviceBuffer<T> source, Span<T> destination) where T : unmanaged
    {
        var src = Own(source, nameof(source));
        if (destination.Length > src.Length)
            throw new ArgumentException($"download of {destination.Length} elements from a buffer of {src.Length}", nameof(destination));
        stream.Synchronize();
        if (destination.Length == 0)
            return;
        fixed (T* p = destination)
            src.View.SubView(0, destination.Length).CopyToCPU(stream, ref Unsafe.AsRef<T>(p), destination.Length);
    }

    public void Synchronize() => stream.Synchronize();

    public void Fill(DeviceBuffer<float> buffer, int count, float value)
    {
        var b = Need(buffer, count, nameof(buffer));
        if (count > 0)
            fill(count, b.View, value);
    }

    public void Copy(DeviceBuffer<float> source, DeviceBuffer<float> destination, int count)
    {
        var s = Need(source, count, nameof(source));
        var d = Need(destination, count, nameof(destination));
        if (count > 0)
            copy(count, s.View, d.View);
    }

    // ---- GEMM ---------------------------------------------------------------------------

    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c)
    {
        if (shape.M < 0 || shape.N < 0 || shape.K < 0)
            throw new ArgumentException($"GEMM sizes must be non-negative (M={shape.M}, N={shape.N}, K={shape.K})", nameof(shape));
        if (shape.Batch < 1)
            throw new ArgumentException($"GEMM batch count must be at least 1 (got {shape.Batch})", nameof(shape));
        if (shape.StrideA < 0 || shape.StrideB < 0 || shape.StrideC < 0)
            throw new ArgumentException("GEMM strides must be non-negative", nameof(shape));
        if (shape.Batch > 1 && shape.StrideC < (long)shape.M * shape.N)
            throw new ArgumentException($"GEMM StrideC {shape.StrideC} would make batches of C overlap (M·N = {(long)shape.M * shape.N})", nameof(shape));
        var av = Need(a, shape.M == 0 || shape.N == 0 ? 0 : shape.ExtentA, nameof(a));
        var bv = Need(b, shape.M == 0 || shape.N == 0 ? 0 : shape.ExtentB, nameof(b));
        var cv = Need(c, shape.M == 0 || shape.N == 0 ? 0 : shape.ExtentC, nameof(c));
        if (shape.M == 0 || shape.N == 0)
            return;

        var p = new GemmParams
        {
            M = shape.M, N = shape.N, K = shape.K,
            TransA = shape.TransA ? 1 : 0, TransB = shape.TransB ? 1 : 0,
            Alpha = shape.Alpha, Beta = shape.Beta,
            StrideA = shape.StrideA, StrideB = shape.StrideB, StrideC = shape.StrideC,
        };

        switch (gemmKernel)
        {
            case GemmKernel.Naive:
            {
                long total = (long)shape.Batch * shape.M * shape.N;
                if (total > int.MaxValue)
                    throw new ArgumentException($"GEMM output of {total} elements exceeds the naive kernel's 32-bit launch", nameof(shape));
                gemmNaive((int)total, av.View, bv.View, cv.View, p);
                break;
            }
            case GemmKernel.Tiled16:
            {
                const int t = GemmTiled16.Tile;
                var grid = new Index3D((shape.N + t - 1) / t, (shape.M + t - 1) / t, shape.Batch);
                var max = accelerator.MaxGridSize;
                if (grid.X > max.X || grid.Y > max.Y || grid.Z > max.Z)
                    throw new ArgumentException($"GEMM grid {grid} exceeds the device's {max}", nameof(shape));
                gemmTiled16(new KernelConfig(grid, new Index3D(t, t, 1)), av.View, bv.View, cv.View, p);
                break;
            }
        }
    }

    // ---- elementwise --------------------------------------------------------------------

    public void BiasActivation(DeviceBuffer<float> y, DeviceBuffer<float> bias, int rows, int cols, Activation activation)
    {
        int count = Elements(rows, cols);
        var yv = Need(y, count, nameof(y));
        var bv = Need(bias, cols, nameof(bias));
        CheckActivation(activation);
        if (count > 0)
            biasActivation(count, yv.View, bv.View, cols, (int)activation);
    }

    public void ActivationForward(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, Activation activation)
    {
        var i = Need(input, count, nameof(input));
        var o = Need(output, count, nameof(output));
        CheckActivation(activation);
        if (count > 0)
            activationForward(count, i.View, o.View, (int)activation);
    }

    public void ActivationBackward(DeviceBuffer<float> gradOutput, DeviceBuffer<float> output, DeviceBuffer<float> gradInput, int count, Activation activation)
    {
        var g = Need(gradOutput, count, nameof(gradOutput));
        var y = Need(output, count, nameof(output));
        var gi = Need(gradInput, count, nameof(gradInput));
        CheckActivation(activation);
        if (count > 0)
            activationBackward(count, g.View, y.View, gi.View, (int)activation);
    }

    public void ColumnSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums)
    {
        var xv = Need(x, Elements(rows, cols), nameof(x));
        var sv = Need(sums, cols, nameof(sums));
        if (cols > 0)
            columnSums(cols, xv.View, sv.View, rows, cols);
    }

    // ---- losses -------------------------------------------------------------------------

    public void SoftmaxCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats)
    {
        int count = Elements(rows, classes);
        if (rows > 0 && classes < 1)
            throw new ArgumentException($"softmax cross-entropy needs at least one class (got {classes})", nameof(classes));
        var z = Need(logits, count, nameof(logits));
        var l = Need(labels, rows, nameof(labels));
        var s = Need(stats, 2L * rows, nameof(stats));
        var g = gradLogits is null ? dummy : Need(gradLogits, count, nameof(gradLogits));
        if (rows == 0)
            return;
        var p = new SoftmaxCrossEntropyParams { Classes = classes, WriteGradient = gradLogits is null ? 0 : 1, GradScale = gradScale };
        softmaxCrossEntropy(rows, z.View, l.View, g.View, s.View, p);
    }

    public void SigmoidBinaryCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var z = Need(logits, rows, nameof(logits));
        var l = Need(labels, rows, nameof(labels));
        var s = Need(stats, 2L * rows, nameof(stats));
        var g = gradLogits is null ? dummy : Need(gradLogits, rows, nameof(gradLogits));
        if (rows == 0)
            return;
        var p = new LogisticParams { WriteGradient = gradLogits is null ? 0 : 1, GradScale = gradScale };
        sigmoidBce(rows, z.View, l.View, g.View, s.View, p);
    }

    public void Softmax(DeviceBuffer<float> logits, DeviceBuffer<float> probabilities, int rows, int classes)
    {
        int count = Elements(rows, classes);
        if (rows > 0 && classes < 1)
            throw new ArgumentException($"softmax needs at least one class (got {classes})", nameof(classes));
        var z = Need(logits, count, nameof(logits));
        var pr = Need(probabilities, count, nameof(probabilities));
        if (rows > 0)
            softmax(rows, z.View, pr.View, classes);
    }

    // ---- optimiser ----------------------------------------------------------------------

    public void SgdUpdate(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> velocity, int count, in SgdParams sgd)
    {
        var w = Need(parameters, count, nameof(parameters));
        var g = Need(gradients, count, nameof(gradients));
        // With momentum 0 the velocity is never touched, so its length does not matter.
        var v = sgd.Momentum != 0f ? Need(velocity, count, nameof(velocity)) : Own(velocity, nameof(velocity));
        if (count == 0)
            return;
        var p = new SgdKernelParams
        {
            LearningRate = sgd.LearningRate, Momentum = sgd.Momentum,
            WeightDecay = sgd.WeightDecay, Nesterov = sgd.Nesterov ? 1 : 0,
        };
        this.sgd(count, w.View, g.View, v.View, p);
    }

    // ---- batching -----------------------------------------------------------------------

    public void GatherRows(DeviceBuffer<float> source, int cols, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination)
    {
        int count = Elements(rows, cols);
        ArgumentOutOfRangeException.ThrowIfNegative(indexOffset);
        var s = Own(source, nameof(source));
        var ix = Need(indices, (long)indexOffset + rows, nameof(indices));
        var d = Need(destination, count, nameof(destination));
        if (count > 0)
            gatherRows(count, s.View, ix.View, d.View, cols, indexOffset);
    }

    public void GatherLabels(DeviceBuffer<int> source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(indexOffset);
        var s = Own(source, nameof(source));
        var ix = Need(indices, (long)indexOffset + count, nameof(indices));
        var d = Need(destination, count, nameof(destination));
        if (count > 0)
            gatherLabels(count, s.View, ix.View, d.View, indexOffset);
    }

    // ---- initialisation -----------------------------------------------------------------

    public void InitUniform(DeviceBuffer<float> buffer, float low, float high, ulong seed)
    {
        var b = Own(buffer, nameof(buffer));
        if (b.Length > 0)
            initUniform(b.Length, b.View, low, high, seed);
    }

    public void InitNormal(DeviceBuffer<float> buffer, float mean, float std, ulong seed)
    {
        var b = Own(buffer, nameof(buffer));
        if (b.Length > 0)
            initNormal(b.Length, b.View, mean, std, seed);
    }

    public void Dispose()
    {
        dummy.Dispose();
        accelerator.Dispose();
        ownedContext?.Dispose();
    }

    // ---- host-side checks ---------------------------------------------------------------

    private IlgpuBuffer<T> Own<T>(DeviceBuffer<T> buffer, string name) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer is not IlgpuBuffer<T> own || !ReferenceEquals(own.Accelerator, accelerator))
            throw new ArgumentException($"{name} was not allocated by this ILGPU backend ({Device.Id})", name);
        return own;
    }

    private IlgpuBuffer<T> Need<T>(DeviceBuffer<T> buffer, long count, string name) where T : unmanaged
    {
        var own = Own(buffer, name);
        if (count < 0)
            throw new ArgumentOutOfRangeException(name, count, $"{name}: negative element count");
        if (own.Length < count)
            throw new ArgumentException($"{name} has {own.Length} elements but the op needs {count}", name);
        return own;
    }

    /// <summary>rows·cols as a kernel launch size: non-negative and within a 32-bit index.</summary>
    private static int Elements(int rows, int cols, [CallerArgumentExpression(nameof(rows))] string? rowsName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, rowsName);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        long count = (long)rows * cols;
        if (count > int.MaxValue)
            throw new ArgumentException($"{rows}×{cols} elements exceed a 32-bit launch");
        return (int)count;
    }

    private static void CheckActivation(Activation activation)
    {
        if (!Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
    }
}
