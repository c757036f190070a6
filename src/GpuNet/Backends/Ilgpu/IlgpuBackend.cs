using System.Runtime.CompilerServices;
using GpuNet.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// <see cref="IBackend"/> over any ILGPU accelerator (CUDA, OpenCL, or ILGPU's CPU simulator).
/// Every kernel is compiled and loaded once, in the constructor; an op validates its
/// arguments on the host, then only enqueues a launch on the accelerator's default stream.
/// Only <see cref="Download{T}"/>, <see cref="Synchronize"/> and an upload lane's Start and Wait wait for the device.
/// </summary>
public sealed class IlgpuBackend : IBackend
{
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly Context? _ownedContext;
    // Stands in for an optional output the kernel will not touch (a flag says so).
    private readonly IlgpuBuffer<float> _dummy;
    private GemmKernel _gemmKernel;

    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams> _gemmNaive;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams> _gemmTiled16;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams> _gemmRegister64;
    // One compiled kernel per operand-layout pair, indexed by TransA·2 + TransB.
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>[] _gemmDoubleBuffered128;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, GemmSplitKParams> _gemmSplitKReduce;
    // Split-K partial products; grown on demand, kept for the backend's lifetime.
    private IlgpuBuffer<float>? _splitKWorkspace;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> _biasActivation;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> _activationForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _activationBackward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int> _columnSums;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SoftmaxCrossEntropyParams> _softmaxCrossEntropy;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> _softmax;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LogisticParams> _sigmoidBce;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdKernelParams> _sgd;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamKernelParams> _adam;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> _squarePartials;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, float> _clipScale;
    // ClipScale's partial sums of squares, one per thread of its first launch.
    private readonly IlgpuBuffer<float> _squarePartialSums;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams> _gatherRows;
    private readonly Action<Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams> _gatherByteRows;
    private readonly Action<Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<int>, int, int> _gatherLabels;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams> _gatherBatch;
    private readonly Action<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams> _gatherByteBatch;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, DropoutKernelParams> _dropout;
    private readonly Action<Index1D, ArrayView<float>, float, float, ulong> _initUniform;
    private readonly Action<Index1D, ArrayView<float>, float, float, ulong> _initNormal;
    private readonly Action<Index1D, ArrayView<float>, float> _fill;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>> _copy;

    /// <summary>
    /// Wraps <paramref name="accelerator"/>. <paramref name="gemm"/> picks the GEMM rung
    /// (default: <see cref="DefaultGemmKernel"/>); <paramref name="ownedContext"/>, when
    /// given, is disposed with the backend (after the accelerator).
    /// </summary>
    public IlgpuBackend(Accelerator accelerator, DeviceInfo? device = null, GemmKernel? gemm = null, Context? ownedContext = null)
    {
        _accelerator = accelerator ?? throw new ArgumentNullException(nameof(accelerator));
        _ownedContext = ownedContext;
        _stream = accelerator.DefaultStream;
        Device = device ?? DescribeAccelerator(accelerator);

        _gemmNaive = Implicit<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmNaive.Kernel);
        _gemmTiled16 = Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmTiled16.Kernel);
        _gemmRegister64 = Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmRegister64.Kernel);
        _gemmDoubleBuffered128 =
        [
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmDoubleBuffered128.Kernel<KContiguousLayout, RContiguousLayout>),
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmDoubleBuffered128.Kernel<KContiguousLayout, KContiguousLayout>),
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmDoubleBuffered128.Kernel<RContiguousLayout, RContiguousLayout>),
            Grouped<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemmDoubleBuffered128.Kernel<RContiguousLayout, KContiguousLayout>),
        ];
        _gemmSplitKReduce = Implicit<ArrayView<float>, ArrayView<float>, GemmSplitKParams>(GemmSplitK.Reduce);
        _biasActivation = Implicit<ArrayView<float>, ArrayView<float>, int, int>(ActivationKernels.BiasActivation);
        _activationForward = Implicit<ArrayView<float>, ArrayView<float>, int>(ActivationKernels.Forward);
        _activationBackward = Implicit<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ActivationKernels.Backward);
        _columnSums = Grouped<ArrayView<float>, ArrayView<float>, int, int>(ReduceKernels.ColumnSums);
        _softmaxCrossEntropy = Implicit<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SoftmaxCrossEntropyParams>(SoftmaxKernels.CrossEntropy);
        _softmax = Implicit<ArrayView<float>, ArrayView<float>, int>(SoftmaxKernels.Softmax);
        _sigmoidBce = Implicit<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LogisticParams>(LogisticKernels.SigmoidBce);
        _sgd = Implicit<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdKernelParams>(OptimKernels.Sgd);
        _adam = Implicit<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamKernelParams>(OptimKernels.Adam);
        _squarePartials = Implicit<ArrayView<float>, ArrayView<float>, int, int>(ReduceKernels.SquarePartials);
        _clipScale = Implicit<ArrayView<float>, ArrayView<float>, int, float>(ReduceKernels.ClipScale);
        _gatherRows = Implicit<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams>(GatherKernels.Rows);
        _gatherByteRows = Implicit<ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams>(GatherKernels.ByteRows);
        _gatherLabels = Implicit<ArrayView<byte>, ArrayView<int>, ArrayView<int>, int, int>(GatherKernels.Labels);
        _gatherBatch = Implicit<ArrayView<float>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams>(GatherKernels.Batch);
        _gatherByteBatch = Implicit<ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams>(GatherKernels.ByteBatch);
        _dropout = Implicit<ArrayView<float>, ArrayView<float>, DropoutKernelParams>(DropoutKernels.Dropout);
        _initUniform = Implicit<ArrayView<float>, float, float, ulong>(RandomKernels.Uniform);
        _initNormal = Implicit<ArrayView<float>, float, float, ulong>(RandomKernels.Normal);
        _fill = Implicit<ArrayView<float>, float>(FillKernels.Fill);
        _copy = Implicit<ArrayView<float>, ArrayView<float>>(FillKernels.Copy);

        _dummy = new IlgpuBuffer<float>(_accelerator, 1);
        _squarePartialSums = new IlgpuBuffer<float>(_accelerator, ReduceKernels.SquarePartialCount);
        GemmKernel = gemm ?? DefaultGemmKernel(_accelerator.AcceleratorType);
        GemmTargetGroups = Math.Max(1, _accelerator.NumMultiprocessors);
    }

    public DeviceInfo Device { get; }

    /// <summary>The underlying accelerator (for diagnostics and benchmarks).</summary>
    public Accelerator Accelerator => _accelerator;

    /// <summary>
    /// The GEMM rung used by <see cref="Gemm"/>. Every rung is loaded up front, so switching
    /// costs nothing; tests use this to run each rung on one shared accelerator.
    /// </summary>
    public GemmKernel GemmKernel
    {
        get => _gemmKernel;
        set
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "unknown GEMM kernel");
            if (NeedsGroups(value) && !SupportsGroup(GroupEdge, GroupEdge))
                throw new NotSupportedException($"GEMM kernel {value} needs {GroupEdge}x{GroupEdge} thread groups; {_accelerator.Name} allows {_accelerator.MaxNumThreadsPerGroup} threads per group");
            _gemmKernel = value;
        }
    }

    /// <summary>
    /// Thread groups a GEMM should launch to fill the device: its multiprocessor count (132 on
    /// an H200). Below it, <see cref="GemmKernel.DoubleBuffered128"/> splits K (see
    /// <see cref="GemmPlan"/>). Tests lower or raise it to exercise split-K on small devices.
    /// </summary>
    public int GemmTargetGroups { get; set; }

    /// <summary>Every rung but the naive one runs in 16×16 thread groups.</summary>
    private const int GroupEdge = 16;

    /// <summary>Whether a rung needs <see cref="GroupEdge"/>² threads per group (every rung but the naive one; Auto may pick any).</summary>
    public static bool NeedsGroups(GemmKernel kernel) => kernel != GemmKernel.Naive;

    /// <summary>
    /// The rung an accelerator gets unless told otherwise. ILGPU's CPU accelerator simulates
    /// barriers with OS threads (milliseconds per round), so the barrier-free naive kernel is
    /// far faster there. Everything else gets the double-buffered 128×128 rung: on PoCL's CPU
    /// device it measured fastest of the four at every shape tried (perf/gpu/README.md); on
    /// GPUs it is chosen by design (most reuse per global load, load latency behind the FMAs)
    /// and not yet by measurement, since no GPU has run it.
    /// </summary>
    public static GemmKernel DefaultGemmKernel(AcceleratorType type) =>
        type == AcceleratorType.CPU ? GemmKernel.Naive : GemmKernel.Auto;

    private bool SupportsGroup(int x, int y) =>
        _accelerator.MaxNumThreadsPerGroup >= x * y && _accelerator.MaxGroupSize.X >= x && _accelerator.MaxGroupSize.Y >= y;

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

    public unsafe DeviceBuffer<T> Allocate<T>(int length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        long bytes = (long)length * sizeof(T);
        if (bytes > _accelerator.MemorySize)
            throw OutOfDeviceMemory(bytes, length, sizeof(T), $"the device has {_accelerator.MemorySize} bytes", null);
        IlgpuBuffer<T> buffer;
        try
        {
            buffer = new IlgpuBuffer<T>(_accelerator, length);
        }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException)
        {
            throw OutOfDeviceMemory(bytes, length, sizeof(T), e.Message, e);
        }
        // ILGPU allocations are uninitialised; the contract promises zeros. Enqueued like any op.
        buffer.Owner!.View.MemSetToZero(_stream);
        return buffer;
    }

    private GpuNetException OutOfDeviceMemory(long bytes, int length, int elementSize, string why, Exception? inner) => new(
        $"{Device.Id}: out of device memory allocating {bytes / (1024.0 * 1024.0):0.#} MiB ({length} × {elementSize} bytes): {why}; try a smaller `BatchSize` or model",
        inner);

    public unsafe void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination) where T : unmanaged
    {
        var dst = Own(destination, nameof(destination));
        if (source.Length > dst.Length)
            throw new ArgumentException($"upload of {source.Length} elements into a buffer of {dst.Length}", nameof(source));
        if (source.Length == 0)
            return;
        // Pinned for the duration: ILGPU copies through the raw address and synchronizes before returning.
        fixed (T* p = source)
            dst.View.SubView(0, source.Length).CopyFromCPU(_stream, ref Unsafe.AsRef<T>(p), source.Length);
    }

    /// <summary>A lane whose copies run on a stream of their own, beside the kernels on the default stream.</summary>
    public UploadLane<T> OpenUploadLane<T>(int capacity) where T : unmanaged => new IlgpuUploadLane<T>(this, _accelerator, capacity);

    public unsafe void Download<T>(DeviceBuffer<T> source, Span<T> destination) where T : unmanaged
    {
        var src = Own(source, nameof(source));
        if (destination.Length > src.Length)
            throw new ArgumentException($"download of {destination.Length} elements from a buffer of {src.Length}", nameof(destination));
        Synchronize();
        if (destination.Length == 0)
            return;
        fixed (T* p = destination)
            src.View.SubView(0, destination.Length).CopyToCPU(_stream, ref Unsafe.AsRef<T>(p), destination.Length);
    }

    /// <summary>
    /// For NCCL on a CUDA accelerator: makes its context current on the calling thread (ILGPU creates non-primary
    /// contexts, and NCCL must see the same one throughout) and returns the device address of
    /// <paramref name="buffer"/> and the native handle of the stream every op is enqueued on; null on other accelerators.
    /// </summary>
    internal (nint Address, nint Stream)? BindCuda(DeviceBuffer<float> buffer)
    {
        if (_stream is not ILGPU.Runtime.Cuda.CudaStream cuda) return null;
        _accelerator.Bind();
        // ILGPU's own cuBLAS bindings pass device memory to native code this way.
        return (Own(buffer, nameof(buffer)).View.LoadEffectiveAddressAsPtr(), cuda.StreamPtr);
    }

    public void Synchronize()
    {
        Synchronizations++;
        _stream.Synchronize();
    }

    // ---- counters -----------------------------------------------------------------------

    /// <summary>
    /// Kernels enqueued since the backend was opened (memory copies and the zero-fill of
    /// <see cref="Allocate{T}"/> not included). Tests pin the launches per training step with it.
    /// </summary>
    public long LaunchCount { get; private set; }

    /// <summary>Host waits for the device so far: <see cref="Synchronize"/> and every <see cref="Download{T}"/>.</summary>
    public long Synchronizations { get; private set; }

    /// <summary>The kernels this backend loaded, in load order (a test compares them with <see cref="IlgpuKernels.All"/>).</summary>
    public IReadOnlyList<KernelEntry> LoadedKernels => _loaded;

    private readonly List<KernelEntry> _loaded = [];

    private KernelEntry Register(Delegate kernel)
    {
        var entry = IlgpuKernels.Of(kernel.Method);
        _loaded.Add(entry);
        return entry;
    }

    private int GroupSize(Delegate kernel) => Register(kernel).GroupSizeFor(_accelerator.MaxNumThreadsPerGroup);

    // One loader per kernel arity. Each compiles the kernel as its IlgpuKernels entry says, and
    // each launch through the returned delegate counts once in LaunchCount.
    private Action<KernelConfig, T1, T2, T3, T4> Grouped<T1, T2, T3, T4>(Action<T1, T2, T3, T4> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        var launch = _accelerator.LoadStreamKernel(kernel, Register(kernel).SpecializationFor(_accelerator.MaxNumThreadsPerGroup));
        return (config, a1, a2, a3, a4) => { LaunchCount++; launch(config, a1, a2, a3, a4); };
    }

    private Action<Index1D, T1, T2> Implicit<T1, T2>(Action<Index1D, T1, T2> kernel)
        where T1 : struct where T2 : struct
    {
        var launch = _accelerator.LoadImplicitlyGroupedStreamKernel(kernel, GroupSize(kernel));
        return (index, a1, a2) => { LaunchCount++; launch(index, a1, a2); };
    }

    private Action<Index1D, T1, T2, T3> Implicit<T1, T2, T3>(Action<Index1D, T1, T2, T3> kernel)
        where T1 : struct where T2 : struct where T3 : struct
    {
        var launch = _accelerator.LoadImplicitlyGroupedStreamKernel(kernel, GroupSize(kernel));
        return (index, a1, a2, a3) => { LaunchCount++; launch(index, a1, a2, a3); };
    }

    private Action<Index1D, T1, T2, T3, T4> Implicit<T1, T2, T3, T4>(Action<Index1D, T1, T2, T3, T4> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        var launch = _accelerator.LoadImplicitlyGroupedStreamKernel(kernel, GroupSize(kernel));
        return (index, a1, a2, a3, a4) => { LaunchCount++; launch(index, a1, a2, a3, a4); };
    }

    private Action<Index1D, T1, T2, T3, T4, T5> Implicit<T1, T2, T3, T4, T5>(Action<Index1D, T1, T2, T3, T4, T5> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
    {
        var launch = _accelerator.LoadImplicitlyGroupedStreamKernel(kernel, GroupSize(kernel));
        return (index, a1, a2, a3, a4, a5) => { LaunchCount++; launch(index, a1, a2, a3, a4, a5); };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6> Implicit<T1, T2, T3, T4, T5, T6>(Action<Index1D, T1, T2, T3, T4, T5, T6> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
    {
        var launch = _accelerator.LoadImplicitlyGroupedStreamKernel(kernel, GroupSize(kernel));
        return (index, a1, a2, a3, a4, a5, a6) => { LaunchCount++; launch(index, a1, a2, a3, a4, a5, a6); };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7> Implicit<T1, T2, T3, T4, T5, T6, T7>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct
    {
        var launch = _accelerator.LoadImplicitlyGroupedStreamKernel(kernel, GroupSize(kernel));
        return (index, a1, a2, a3, a4, a5, a6, a7) => { LaunchCount++; launch(index, a1, a2, a3, a4, a5, a6, a7); };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8> Implicit<T1, T2, T3, T4, T5, T6, T7, T8>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct
    {
        var launch = _accelerator.LoadImplicitlyGroupedStreamKernel(kernel, GroupSize(kernel));
        return (index, a1, a2, a3, a4, a5, a6, a7, a8) => { LaunchCount++; launch(index, a1, a2, a3, a4, a5, a6, a7, a8); };
    }

    private Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> Implicit<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>(Action<Index1D, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct
    {
        var launch = _accelerator.LoadImplicitlyGroupedStreamKernel(kernel, GroupSize(kernel));
        return (index, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) => { LaunchCount++; launch(index, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10); };
    }

    public void Fill(DeviceBuffer<float> buffer, int count, float value)
    {
        var b = Need(buffer, count, nameof(buffer));
        if (count > 0)
            _fill(count, b.View, value);
    }

    public void Copy(DeviceBuffer<float> source, DeviceBuffer<float> destination, int count)
    {
        var s = Need(source, count, nameof(source));
        var d = Need(destination, count, nameof(destination));
        if (count > 0)
            _copy(count, s.View, d.View);
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

        var plan = GemmPlan.For(shape, _gemmKernel, GemmTargetGroups);
        var p = new GemmParams
        {
            M = shape.M, N = shape.N, K = shape.K,
            TransA = shape.TransA ? 1 : 0, TransB = shape.TransB ? 1 : 0,
            Alpha = shape.Alpha, Beta = shape.Beta,
            StrideA = shape.StrideA, StrideB = shape.StrideB, StrideC = shape.StrideC,
            Splits = 1, SplitDepth = plan.SplitDepth,
        };

        switch (plan.Kernel)
        {
            case GemmKernel.Naive:
            {
                long total = (long)shape.Batch * shape.M * shape.N;
                if (total > int.MaxValue)
                    throw new ArgumentException($"GEMM output of {total} elements exceeds the naive kernel's 32-bit launch", nameof(shape));
                _gemmNaive((int)total, av.View, bv.View, cv.View, p);
                break;
            }
            case GemmKernel.Tiled16:
                _gemmTiled16(BlockLaunch(shape, GemmTiled16.Tile, 1), av.View, bv.View, cv.View, p);
                break;
            case GemmKernel.Register64:
                _gemmRegister64(BlockLaunch(shape, GemmRegister64.Block, 1), av.View, bv.View, cv.View, p);
                break;
            default:
                GemmDoubleBuffered(shape, plan, p, av, bv, cv);
                break;
        }
    }

    /// <summary>
    /// The 128×128 rung in its layout specialisation; with split-K, into the workspace
    /// (alpha 1, beta 0, one M×N plane per batch and split), then the fixed-order sum into C.
    /// </summary>
    private void GemmDoubleBuffered(in GemmShape shape, GemmPlan plan, GemmParams p, IlgpuBuffer<float> a, IlgpuBuffer<float> b, IlgpuBuffer<float> c)
    {
        var kernel = _gemmDoubleBuffered128[p.TransA * 2 + p.TransB];
        if (plan.Splits == 1)
        {
            kernel(BlockLaunch(shape, GemmDoubleBuffered128.Block, 1), a.View, b.View, c.View, p);
            return;
        }
        long plane = (long)shape.M * shape.N;
        long planes = (long)shape.Batch * plan.Splits;
        if (plane * planes > int.MaxValue)
            throw new ArgumentException($"split-K GEMM workspace of {plane * planes} elements exceeds a 32-bit buffer", nameof(shape));
        var workspace = SplitKWorkspace((int)(plane * planes));
        var partial = p with { Alpha = 1f, Beta = 0f, StrideC = plane, Splits = plan.Splits };
        kernel(BlockLaunch(shape, GemmDoubleBuffered128.Block, plan.Splits), a.View, b.View, workspace.View, partial);
        var reduce = new GemmSplitKParams { Plane = (int)plane, Splits = plan.Splits, StrideC = shape.StrideC, Alpha = shape.Alpha, Beta = shape.Beta };
        _gemmSplitKReduce((int)(plane * shape.Batch), workspace.View, c.View, reduce);
    }

    private IlgpuBuffer<float> SplitKWorkspace(int elements)
    {
        if (_splitKWorkspace is { } current && current.Length >= elements)
            return current;
        // Launches already enqueued may still read the old workspace.
        if (_splitKWorkspace is not null)
        {
            Synchronize();
            _splitKWorkspace.Dispose();
        }
        _splitKWorkspace = new IlgpuBuffer<float>(_accelerator, elements);
        return _splitKWorkspace;
    }

    /// <summary>One 16×16 group per <paramref name="block"/>² block of C, batches (times splits) along Z.</summary>
    private KernelConfig BlockLaunch(in GemmShape shape, int block, int splits)
    {
        long z = (long)shape.Batch * splits;
        if (z > int.MaxValue)
            throw new ArgumentException($"GEMM grid depth {z} (batch × splits) exceeds a 32-bit launch", nameof(shape));
        var grid = new Index3D((shape.N + block - 1) / block, (shape.M + block - 1) / block, (int)z);
        var max = _accelerator.MaxGridSize;
        if (grid.X > max.X || grid.Y > max.Y || grid.Z > max.Z)
            throw new ArgumentException($"GEMM grid {grid} exceeds the device's {max}", nameof(shape));
        return new KernelConfig(grid, new Index3D(GroupEdge, GroupEdge, 1));
    }

    // ---- elementwise --------------------------------------------------------------------

    public void BiasActivation(DeviceBuffer<float> y, DeviceBuffer<float> bias, int rows, int cols, Activation activation)
    {
        int count = Elements(rows, cols);
        var yv = Need(y, count, nameof(y));
        var bv = Need(bias, cols, nameof(bias));
        CheckActivation(activation);
        if (count > 0)
            _biasActivation(count, yv.View, bv.View, cols, (int)activation);
    }

    public void ActivationForward(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, Activation activation)
    {
        var i = Need(input, count, nameof(input));
        var o = Need(output, count, nameof(output));
        CheckActivation(activation);
        if (count > 0)
            _activationForward(count, i.View, o.View, (int)activation);
    }

    public void ActivationBackward(DeviceBuffer<float> gradOutput, DeviceBuffer<float> output, DeviceBuffer<float> gradInput, int count, Activation activation)
    {
        var g = Need(gradOutput, count, nameof(gradOutput));
        var y = Need(output, count, nameof(output));
        var gi = Need(gradInput, count, nameof(gradInput));
        CheckActivation(activation);
        if (count > 0)
            _activationBackward(count, g.View, y.View, gi.View, (int)activation);
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
        _columnSums(new KernelConfig(new Index2D((cols + width - 1) / width, 1), new Index2D(width, lanes)), xv.View, sv.View, rows, cols);
    }

    // ---- losses -------------------------------------------------------------------------

    public void SoftmaxCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows, int classes,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null)
    {
        var (z, l, g, s, p) = SoftmaxLoss(logits, labels, rows, classes, gradLogits, gradScale, stats);
        p.Weighted = classWeights is null ? 0 : 1;
        var w = classWeights is null ? _dummy : Need(classWeights, classes, nameof(classWeights));
        if (rows > 0)
            _softmaxCrossEntropy(rows, z.View, l.View, w.View, g.View, s.View, p);
    }

    public void SigmoidBinaryCrossEntropy(DeviceBuffer<float> logits, DeviceBuffer<int> labels, int rows,
        DeviceBuffer<float>? gradLogits, float gradScale, DeviceBuffer<float> stats, DeviceBuffer<float>? classWeights = null)
    {
        var (z, l, g, s, p) = LogisticLoss(logits, labels, rows, gradLogits, gradScale, stats);
        p.Weighted = classWeights is null ? 0 : 1;
        var w = classWeights is null ? _dummy : Need(classWeights, 2, nameof(classWeights));
        if (rows > 0)
            _sigmoidBce(rows, z.View, l.View, w.View, g.View, s.View, p);
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
            _softmax(rows, z.View, pr.View, classes);
    }

    // ---- optimiser ----------------------------------------------------------------------

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
            _sgd(count, w.View, g.View, v.View, s, p);
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
            _adam(count, w.View, g.View, m.View, v.View, s, p);
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
        _squarePartials(threads, g.View, _squarePartialSums.View, count, threads);
        _clipScale(1, _squarePartialSums.View, s.View, threads, maxNorm);
    }

    // ---- dropout ------------------------------------------------------------------------

    public void Dropout(DeviceBuffer<float> input, DeviceBuffer<float> output, int count, float probability, ulong seed)
    {
        DropoutChecks.Probability(probability);
        var x = Need(input, count, nameof(input));
        var y = Need(output, count, nameof(output));
        if (count > 0)
            _dropout(count, x.View, y.View, new DropoutKernelParams { Seed = seed, Probability = probability, Scale = DropoutChecks.Scale(probability) });
    }

    // ---- batching -----------------------------------------------------------------------

    public void GatherRows(DeviceBuffer<float> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        GatherRows(source, cols, scaling, indices, indexOffset, rows, destination, _gatherRows);

    public void GatherRows(DeviceBuffer<byte> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination) =>
        GatherRows(source, cols, scaling, indices, indexOffset, rows, destination, _gatherByteRows);

    /// <summary>Either stored type's row gather: the same checks and launch, with the kernel compiled for that type.</summary>
    private void GatherRows<T>(DeviceBuffer<T> source, int cols, FeatureScaling? scaling, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> destination,
        Action<Index1D, ArrayView<T>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams> kernel) where T : unmanaged
    {
        var (count, p) = Gather(cols, scaling, indexOffset, rows);
        var s = Own(source, nameof(source));
        var ix = Need(indices, (long)indexOffset + rows, nameof(indices));
        var d = Need(destination, count, nameof(destination));
        var (mean, scale) = Standardization(scaling);
        if (count > 0)
            kernel(count, s.View, ix.View, mean, scale, d.View, p);
    }

    public void GatherLabels(DeviceLabels source, DeviceBuffer<int> indices, int indexOffset, int count, DeviceBuffer<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(indexOffset);
        var s = Own(source.Stored, nameof(source));
        var ix = Need(indices, (long)indexOffset + count, nameof(indices));
        var d = Need(destination, count, nameof(destination));
        if (count > 0)
            _gatherLabels(count, s.View, ix.View, d.View, indexOffset, source.Width);
    }

    public void GatherBatch(DeviceBuffer<float> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY) =>
        GatherBatch(features, cols, scaling, labels, indices, indexOffset, rows, batchX, batchY, _gatherBatch);

    public void GatherBatch(DeviceBuffer<byte> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY) =>
        GatherBatch(features, cols, scaling, labels, indices, indexOffset, rows, batchX, batchY, _gatherByteBatch);

    /// <summary>Either stored type's fused batch gather: the same checks and launch, with the kernel compiled for that type.</summary>
    private void GatherBatch<T>(DeviceBuffer<T> features, int cols, FeatureScaling? scaling, DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows,
        DeviceBuffer<float> batchX, DeviceBuffer<int> batchY,
        Action<Index1D, ArrayView<T>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams> kernel) where T : unmanaged
    {
        if (cols == 0)
        {
            // No feature threads to carry the labels: gather them on their own.
            GatherLabels(labels, indices, indexOffset, rows, batchY);
            return;
        }
        var (count, p) = Gather(cols, scaling, indexOffset, rows);
        p.LabelWidth = labels.Width;
        var f = Own(features, nameof(features));
        var (l, ix, x, y) = BatchBuffers(labels, indices, indexOffset, rows, batchX, batchY, count);
        var (mean, scale) = Standardization(scaling);
        if (count > 0)
            kernel(count, f.View, l.View, ix.View, mean, scale, x.View, y.View, p);
    }

    /// <summary>The launch size and kernel parameters of a gather, its sizes and scaling checked.</summary>
    private static (int Count, GatherParams Params) Gather(int cols, FeatureScaling? scaling, int indexOffset, int rows)
    {
        int count = Elements(rows, cols);
        ArgumentOutOfRangeException.ThrowIfNegative(indexOffset);
        FeatureScaling.Check(scaling, cols);
        return (count, new GatherParams
        {
            Cols = cols,
            IndexOffset = indexOffset,
            Divisor = scaling?.Divisor ?? 1f,
            Standardize = scaling?.Standardizes == true ? 1 : 0,
        });
    }

    /// <summary>The mean and scale views of a standardising gather, or the one-element stand-in the kernel will not read.</summary>
    private (ArrayView<float> Mean, ArrayView<float> Scale) Standardization(FeatureScaling? scaling) =>
        scaling?.Mean is { } mean
            ? (Own(mean, nameof(scaling)).View, Own(scaling.Scale!, nameof(scaling)).View)
            : (_dummy.View, _dummy.View);

    private (IlgpuBuffer<byte> Labels, IlgpuBuffer<int> Indices, IlgpuBuffer<float> BatchX, IlgpuBuffer<int> BatchY) BatchBuffers(
        DeviceLabels labels, DeviceBuffer<int> indices, int indexOffset, int rows, DeviceBuffer<float> batchX, DeviceBuffer<int> batchY, int count) =>
        (Own(labels.Stored, nameof(labels)), Need(indices, (long)indexOffset + rows, nameof(indices)),
            Need(batchX, count, nameof(batchX)), Need(batchY, rows, nameof(batchY)));

    // ---- initialisation -----------------------------------------------------------------

    public void InitUniform(DeviceBuffer<float> buffer, float low, float high, ulong seed)
    {
        var b = Own(buffer, nameof(buffer));
        if (b.Length > 0)
            _initUniform(b.Length, b.View, low, high, seed);
    }

    public void InitNormal(DeviceBuffer<float> buffer, float mean, float std, ulong seed)
    {
        var b = Own(buffer, nameof(buffer));
        if (b.Length > 0)
            _initNormal(b.Length, b.View, mean, std, seed);
    }

    public void Dispose()
    {
        _splitKWorkspace?.Dispose();
        _dummy.Dispose();
        _squarePartialSums.Dispose();
        _accelerator.Dispose();
        _ownedContext?.Dispose();
    }

    // ---- host-side checks ---------------------------------------------------------------

    internal IlgpuBuffer<T> Own<T>(DeviceBuffer<T> buffer, string name) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer is not IlgpuBuffer<T> own || !ReferenceEquals(own.Accelerator, _accelerator))
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
