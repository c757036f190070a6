using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime.OpenCL;

namespace GpuNet.Devices;

/// <summary>
/// Lets ILGPU run on PoCL (the portable CPU OpenCL runtime: CI and GPU-less machines), behind
/// the explicit opt-in GPUNET_OPENCL_POCL=1.
///
/// Why it is needed: PoCL 3.x reports OpenCL C 1.2 and no generic address space, so ILGPU's
/// default device predicate (OpenCL C ≥ 2.0 with generic address space) rejects it. ILGPU's
/// generated code only needs '__generic' for pointer typedefs; with '-D__generic=__global'
/// those become global pointers, which is what every GpuNet kernel passes (shared memory is
/// typed 'local' by ILGPU and is unaffected). Atomics do not compile this way, so the kernels
/// use none. Without the opt-in nothing here changes ILGPU's behaviour.
/// </summary>
public static class PoclOptIn
{
    public const string EnvironmentVariable = "GPUNET_OPENCL_POCL";

    private static int _buildFlagsSet;

    /// <summary>True when GPUNET_OPENCL_POCL=1 (read at every call, so tests can set it in-process).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    /// <summary>True for a device of the PoCL platform (the only runtime that reads POCL_EXTRA_BUILD_FLAGS).</summary>
    public static bool IsPocl(CLDevice device) =>
        device.PlatformName.Contains("Portable Computing Language", StringComparison.OrdinalIgnoreCase)
        || device.PlatformName.Contains("PoCL", StringComparison.OrdinalIgnoreCase)
        || device.VendorName.Contains("pocl", StringComparison.OrdinalIgnoreCase);

    /// <summary>ILGPU's own acceptance rule (its default OpenCL predicate).</summary>
    public static bool IlgpuAccepts(CLDevice device) =>
        device.CLStdVersion >= CLBackend.MinimumVersion && device.Capabilities.GenericAddressSpace;

    /// <summary>Whether the opt-in would make this rejected device usable.</summary>
    public static bool CanPatch(CLDevice device) => !IlgpuAccepts(device) && IsPocl(device);

    /// <summary>
    /// Rewrites what ILGPU believes about a PoCL device: generic address space present, and
    /// OpenCL C 3.0 (so ILGPU passes -cl-std=CL3.0, under which PoCL accepts the '__generic'
    /// spelling that the -D flag then maps to '__global'). Both properties have non-public
    /// setters, hence reflection. Also sets the PoCL build flag before any kernel is built.
    /// </summary>
    public static void Patch(CLDevice device)
    {
        var capabilities = device.Capabilities;
        capabilities.GetType().GetProperty("GenericAddressSpace", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!
            .SetValue(capabilities, true);
        typeof(CLDevice).GetProperty(nameof(CLDevice.CVersion), BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!
            .SetValue(device, CLCVersion.CL30);
        EnsureBuildFlags();
    }

    /// <summary>
    /// Appends -D__generic=__global to the NATIVE POCL_EXTRA_BUILD_FLAGS. PoCL reads it with
    /// getenv() when it builds a program; Environment.SetEnvironmentVariable only changes
    /// .NET's copy of the environment, so libc's setenv is called directly.
    /// </summary>
    public static void EnsureBuildFlags()
    {
        if (Interlocked.Exchange(ref _buildFlagsSet, 1) != 0)
            return;
        const string name = "POCL_EXTRA_BUILD_FLAGS";
        const string flag = "-D__generic=__global";
        try
        {
            string? existing = Marshal.PtrToStringAnsi(getenv(name));
            if (existing is not null && existing.Contains(flag, StringComparison.Ordinal))
                return;
            string value = string.IsNullOrWhiteSpace(existing) ? flag : existing + " " + flag;
            if (setenv(name, value, 1) != 0)
                throw new GpuNetException($"could not set {name} for PoCL (setenv failed)");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (PoCL is a Linux runtime in practice): best effort through .NET's copy.
            string? existing = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, string.IsNullOrWhiteSpace(existing) ? flag : existing + " " + flag);
        }
    }

    // "libc.so.6" rather than "libc": on glibc systems "libc.so" is a linker script (or absent).
    [DllImport("libc.so.6", CharSet = CharSet.Ansi)]
    private static extern IntPtr getenv(string name);

    [DllImport("libc.so.6", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);
}
