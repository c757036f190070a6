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
/// The ops live in one partial file per family (Gemm, Elementwise, Loss, Optim, Gather); each launches a kernel of
/// <see cref="IlgpuKernels"/> through <see cref="Launch{TLauncher}"/>. This file holds memory, counters and the checks.
/// </summary>
public sealed partial class IlgpuBackend : IBackend
{
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly Context? _ownedContext;
    // Every kernel of IlgpuKernels.All, loaded once at construction, by entry.
    private readonly Dictionary<KernelEntry, Delegate> _launchers;
    // Stands in for an optional output the kernel will not touch (a flag says so).
    private readonly IlgpuBuffer<float> _dummy;
    private GemmKernel _gemmKernel;

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

        _launchers = IlgpuKernels.All.ToDictionary<KernelEntry, KernelEntry, Delegate>(e => e, e => e.Load(_accelerator), ReferenceEqualityComparer.Instance);
        _dummy = new IlgpuBuffer<float>(_accelerator, 1);
        _squarePartialSums = new IlgpuBuffer<float>(_accelerator, ReduceKernels.SquareSumGroups);
        GemmKernel = gemm ?? DefaultGemmKernel(_accelerator.AcceleratorType);
        GemmTargetGroups = Math.Max(1, _accelerator.NumMultiprocessors);
    }

    public DeviceInfo Device { get; }

    /// <summary>The underlying accelerator (for diagnostics and benchmarks).</summary>
    public Accelerator Accelerator => _accelerator;

    /// <summary>
    /// The GEMM rung used by <see cref="Gemm(in GemmShape, DeviceBuffer{float}, DeviceBuffer{float}, DeviceBuffer{float}, in GemmEpilogue)"/>. Every rung is loaded up front, so switching
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

    /// <summary>The least work of one block that split-K may cut (<see cref="GemmPlan.MinSplitWork"/>); tests lower it to split tiny GEMMs.</summary>
    public long GemmMinSplitWork { get; set; } = GemmPlan.MinSplitWork;

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

    private OutOfDeviceMemoryException OutOfDeviceMemory(long bytes, int length, int elementSize, string why, Exception? inner) =>
        new(Device.Id, bytes, $"allocating {bytes / (1024.0 * 1024.0):0.#} MiB ({length} × {elementSize} bytes): {why}", inner);

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

    /// <summary>The kernels this backend loaded: every entry of <see cref="IlgpuKernels.All"/>, each at construction.</summary>
    public IReadOnlyCollection<KernelEntry> LoadedKernels => _launchers.Keys;

    /// <summary>
    /// The loaded launcher of <paramref name="kernel"/>, counted in <see cref="LaunchCount"/>: an op fetches it only to
    /// launch it, once, on <see cref="_stream"/>.
    /// </summary>
    private TLauncher Launch<TLauncher>(Kernel<TLauncher> kernel) where TLauncher : Delegate
    {
        LaunchCount++;
        return (TLauncher)_launchers[kernel.Entry];
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
