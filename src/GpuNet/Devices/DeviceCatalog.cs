using GpuNet.Backends;
using GpuNet.Backends.Cpu;
using GpuNet.Backends.Ilgpu;
using GpuNet.Kernels;
using ILGPU;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using GpuNet.Settings;

namespace GpuNet.Devices;

/// <summary>
/// Finds devices and opens backends on them. Ids: cpu, ilgpu-cpu, cuda:N (N-th CUDA device
/// in driver order), opencl:N (N-th available OpenCL device over all platforms, in ICD order,
/// whether or not ILGPU can use it, so an id never shifts when GPUNET_OPENCL_POCL changes).
/// </summary>
public static class DeviceCatalog
{
    /// <summary>
    /// ILGPU's default CPU simulator: one multiprocessor, 16 threads per group. Every launch
    /// wakes all simulator threads, so few threads keep the per-launch cost low (0.25–0.6 ms for a
    /// one-row op; perf/RESULTS.md, "The ILGPU CPU simulator's launch cost", gives the command) —
    /// the right shape for the barrier-free naive GEMM and the elementwise kernels.
    /// </summary>
    internal static CPUDevice IlgpuCpuDevice => CPUDevice.Default;

    /// <summary>
    /// A CPU simulator with 256-thread groups (16 warps of 16, one multiprocessor), needed
    /// only to run the 16×16-group GEMM rungs on the host (tests, comparisons).
    /// </summary>
    internal static CPUDevice IlgpuCpuWideDevice { get; } =
        new(numThreadsPerWarp: 16, numWarpsPerMultiprocessor: 16, numMultiprocessors: 1);

    /// <summary>Every device found: cpu and ilgpu-cpu always, then CUDA and OpenCL devices.</summary>
    public static IReadOnlyList<DeviceInfo> Discover()
    {
        var list = new List<DeviceInfo> { CpuInfo(), IlgpuCpuInfo() };
        list.AddRange(FindCuda().Select(d => d.Info));
        list.AddRange(FindOpenCL().Select(d => d.Info));
        return list;
    }

    /// <summary>
    /// Opens auto | cpu | ilgpu-cpu | cuda[:N] | opencl[:N]. <paramref name="notice"/> is one line
    /// saying which device was taken and, for auto, why. A malformed spec throws UsageException;
    /// a device that is not there throws UsageException whose message lists the devices that are.
    /// </summary>
    public static IBackend Open(string spec, out string notice)
    {
        var parsed = DeviceSpec.Parse(spec);
        if (parsed.Kind != DeviceSpecKind.Auto)
        {
            var backend = Open(parsed, gemm: null);
            notice = $"device: {backend.Device.Id} ({backend.Device.Name})";
            return backend;
        }

        // auto: a CUDA GPU first, then an OpenCL GPU, then the managed CPU backend. A GPU that is
        // found but fails to initialise is skipped with its reason, never fatal under auto.
        var failures = new List<string>();
        var cuda = FindCuda();
        if (cuda.FirstOrDefault(d => d.Info.Usable) is { } firstCuda
            && TryOpen(() => OpenCuda(firstCuda.Index, null), failures) is { } cudaBackend)
        {
            notice = $"auto: using {cudaBackend.Device.Id} ({cudaBackend.Device.Name}), the first CUDA device";
            return cudaBackend;
        }

        var openCL = FindOpenCL();
        if (openCL.FirstOrDefault(d => d.Info.Usable && d.Info.IsGpu) is { } firstClGpu
            && TryOpen(() => OpenOpenCL(firstClGpu.Index, null), failures) is { } clBackend)
        {
            notice = $"auto: no usable CUDA device, using {clBackend.Device.Id} ({clBackend.Device.Name}), an OpenCL GPU";
            return clBackend;
        }

        string why = failures.Count > 0 ? string.Join("; ", failures)
            : cuda.Count == 0 && !openCL.Any(d => d.Info.IsGpu) ? "no CUDA or OpenCL GPU found"
            : "no usable CUDA or OpenCL GPU (see gpunet devices)";
        notice = $"auto: {why}, using cpu";
        return new CpuBackend();
    }

    private static IBackend? TryOpen(Func<IBackend> open, List<string> failures)
    {
        try
        {
            return open();
        }
        catch (GpuNetException e)
        {
            failures.Add(e.Message);
            return null;
        }
    }

    /// <summary>Runs an accelerator's start-up, turning the driver's exception into one line that names the device.</summary>
    private static IlgpuBackend Initialise(DeviceInfo info, Context context, Func<IlgpuBackend> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is not GpuNetException)
        {
            context.Dispose();
            throw new GpuNetException($"{info.Id} ({info.Name}) failed to initialise: {e.Message}", e);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Opens a specific device; ILGPU devices get the given GEMM rung (null: the accelerator's default).</summary>
    public static IBackend Open(DeviceSpec spec, GemmKernel? gemm) => spec.Kind switch
    {
        DeviceSpecKind.Cpu => new CpuBackend(),
        DeviceSpecKind.IlgpuCpu => OpenIlgpuCpu(gemm),
        DeviceSpecKind.Cuda => OpenCuda(spec.Index, gemm),
        DeviceSpecKind.OpenCL => OpenOpenCL(spec.Index, gemm),
        _ => Open(spec.ToString(), out _),
    };

    /// <summary>
    /// ILGPU's CPU accelerator. A GEMM rung that needs 16×16 groups (every rung but Naive) gets the
    /// 256-thread simulator (<see cref="IlgpuCpuWideDevice"/>), where every rung can be
    /// selected later; otherwise the default 16-thread one with cheap launches.
    /// </summary>
    public static IlgpuBackend OpenIlgpuCpu(GemmKernel? gemm = null)
    {
        var device = gemm is { } kernel && IlgpuBackend.NeedsGroups(kernel) ? IlgpuCpuWideDevice : IlgpuCpuDevice;
        var context = Context.Create(b => IlgpuCompilation.Configure(b.CPU(device)));
        var info = IlgpuCpuInfo(device);
        return Initialise(info, context, () => new IlgpuBackend(context.CreateCPUAccelerator(0), info, gemm, context));
    }

    public static IlgpuBackend OpenCuda(int index, GemmKernel? gemm = null)
    {
        var found = FindCuda();
        if (index < 0 || index >= found.Count)
            throw Missing($"cuda:{index}");
        var target = found[index];
        if (!target.Info.Usable)
            throw new UsageException($"{Setting.Device} {target.Info.Id} ({target.Info.Name}) cannot be used: {target.Info.Details}");

        NativeOpenCL.EnsureResolver();
        int deviceId = target.DeviceId;
        var context = Context.Create(b => IlgpuCompilation.Configure(b.Cuda(d => d.DeviceId == deviceId)));
        return Initialise(target.Info, context, () =>
        {
            var device = context.Devices.OfType<CudaDevice>().FirstOrDefault()
                ?? throw new GpuNetException($"{target.Info.Id} ({target.Info.Name}) disappeared while opening it");
            return new IlgpuBackend(device.CreateCudaAccelerator(context), target.Info, gemm, context);
        });
    }

    public static IlgpuBackend OpenOpenCL(int index, GemmKernel? gemm = null)
    {
        var found = FindOpenCL();
        if (index < 0 || index >= found.Count)
            throw Missing($"opencl:{index}");
        var target = found[index];
        if (!target.Info.Usable)
            throw new UsageException($"{Setting.Device} {target.Info.Id} ({target.Info.Name}) cannot be used: {target.Info.Details}");

        NativeOpenCL.EnsureResolver();
        bool patch = target.NeedsPocl;
        int seen = 0;
        // The predicate sees the same available devices in the same order as FindOpenCL, so
        // counting picks the one the id names. The PoCL patch is applied to that device only.
        var context = Context.Create(b => IlgpuCompilation.Configure(b.OpenCL(d =>
        {
            if (seen++ != index)
                return false;
            if (patch)
                PoclOptIn.Patch(d);
            return true;
        })));
        return Initialise(target.Info, context, () =>
        {
            var device = context.Devices.OfType<CLDevice>().FirstOrDefault()
                ?? throw new GpuNetException($"{target.Info.Id} ({target.Info.Name}) disappeared while opening it");
            return new IlgpuBackend(device.CreateCLAccelerator(context), target.Info, gemm, context);
        });
    }

    // ---- discovery ----------------------------------------------------------------------

    private sealed record Found(int Index, DeviceInfo Info, int DeviceId = -1, bool NeedsPocl = false);

    /// <summary>Asking for a device this machine lacks is a usage error (exit 2): the option names something that is not there.</summary>
    private static UsageException Missing(string id)
    {
        var there = Discover().Select(d => d.Usable ? d.Id : d.Id + " (unusable)");
        return new UsageException($"{Setting.Device} {id}: not found; devices here: {string.Join(", ", there)}");
    }

    private static DeviceInfo CpuInfo() => CpuBackend.DefaultDevice;

    private static DeviceInfo IlgpuCpuInfo(CPUDevice? device = null) =>
        new("ilgpu-cpu", "ILGPU CPU accelerator", DeviceKind.IlgpuCpu, HostMachine.MemoryBytes,
            $"GPU kernels simulated on the host, {(device ?? IlgpuCpuDevice).MaxNumThreadsPerGroup} threads per group; slow, for correctness",
            IsGpu: false);

    /// <summary>CUDA devices in driver order; empty (never throws) without a driver.</summary>
    private static List<Found> FindCuda()
    {
        var result = new List<Found>();
        try
        {
            NativeOpenCL.EnsureResolver();
            var all = new List<CudaDevice>();
            // The predicate only collects: nothing is registered, no context is created.
            CudaDevice.GetDevices(d => { all.Add(d); return false; });
            foreach (var d in all)
            {
                bool usable = d.Architecture.HasValue && d.InstructionSet.HasValue
                    && PTXCodeGenerator.SupportedInstructionSets.Contains(d.InstructionSet.Value);
                string arch = d.Architecture is { } a ? $"compute capability {a.Major}.{a.Minor}" : "unknown compute capability";
                string details = $"{arch}, driver {d.DriverVersion}, {d.NumMultiprocessors} SMs"
                    + (usable ? "" : "; not supported by this ILGPU version");
                int index = result.Count;
                result.Add(new Found(index,
                    new DeviceInfo($"cuda:{index}", d.Name, DeviceKind.Cuda, d.MemorySize, details, IsGpu: true, Usable: usable),
                    DeviceId: d.DeviceId));
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException
                                  or BadImageFormatException or InvalidOperationException or NotSupportedException)
        {
            // No usable CUDA driver: there are simply no CUDA devices.
        }
        return result;
    }

    /// <summary>Available OpenCL devices over all platforms; empty (never throws) without an ICD loader.</summary>
    private static List<Found> FindOpenCL()
    {
        var result = new List<Found>();
        try
        {
            NativeOpenCL.EnsureResolver();
            var all = new List<CLDevice>();
            CLDevice.GetDevices(d => { all.Add(d); return false; });
            bool optIn = PoclOptIn.Enabled;
            foreach (var d in all)
            {
                bool native = PoclOptIn.IlgpuAccepts(d);
                bool patchable = PoclOptIn.CanPatch(d);
                bool usable = native || (patchable && optIn);
                bool isGpu = (d.DeviceType & CLDeviceType.CL_DEVICE_TYPE_GPU) != 0;
                string note = native ? ""
                    : patchable && optIn ? "; PoCL enabled by GPUNET_OPENCL_POCL=1 (no atomics)"
                    : patchable ? "; set GPUNET_OPENCL_POCL=1 to use this PoCL device"
                    : "; ILGPU needs OpenCL C 2.0+ with generic address space";
                string details = $"OpenCL {d.DeviceVersion}, OpenCL C {d.CVersion.Major}.{d.CVersion.Minor}, {TypeName(d.DeviceType)}, "
                    + $"{d.PlatformName}, {ExtensionSummary(d)}{note}";
                int index = result.Count;
                result.Add(new Found(index,
                    new DeviceInfo($"opencl:{index}", d.Name, DeviceKind.OpenCL, d.MemorySize, details, isGpu, usable),
                    NeedsPocl: !native && patchable));
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException
                                  or BadImageFormatException or InvalidOperationException or NotSupportedException)
        {
            // No usable OpenCL ICD loader: there are simply no OpenCL devices.
        }
        return result;
    }

    private static string TypeName(CLDeviceType type) =>
        (type & CLDeviceType.CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
        : (type & CLDeviceType.CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
        : (type & CLDeviceType.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator"
        : type.ToString();

    /// <summary>"N extensions (fp64, fp16, ...)" naming the few that matter for GpuNet.</summary>
    private static string ExtensionSummary(CLDevice d)
    {
        string[] notable =
        [
            "cl_khr_fp64", "cl_khr_fp16", "cl_khr_subgroups", "cl_intel_subgroups",
            "cl_khr_int64_base_atomics", "cl_khr_global_int32_base_atomics",
        ];
        var present = notable.Where(d.HasExtension).Select(e => e.Replace("cl_khr_", "").Replace("cl_", "")).ToList();
        return $"{d.Extensions.Length} extensions" + (present.Count > 0 ? $" ({string.Join(", ", present)})" : "");
    }
}
