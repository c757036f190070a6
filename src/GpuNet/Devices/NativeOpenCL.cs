using System.Reflection;
using System.Runtime.InteropServices;

namespace GpuNet.Devices;

/// <summary>
/// Makes ILGPU's P/Invokes find the GPU driver libraries under their runtime (SONAME) names.
/// ILGPU imports "OpenCL" and "cuda"; on Linux .NET probes libOpenCL.so / libcuda.so, which
/// only the -dev packages (or some drivers) install. The ICD loader ships libOpenCL.so.1
/// and the NVIDIA driver libcuda.so.1, so we fall back to those. Installed once per process;
/// it only acts when the default lookup fails, so it is harmless everywhere.
/// </summary>
internal static class NativeOpenCL
{
    private static int _installed;

    public static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _installed, 1) != 0)
            return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else (a host application) already set a resolver for ILGPU: keep theirs.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        string? fallback = name switch
        {
            "OpenCL" => "libOpenCL.so.1",
            "cuda" => "libcuda.so.1",
            _ => null,
        };
        if (fallback is null)
            return IntPtr.Zero; // default probing
        if (NativeLibrary.TryLoad(name, assembly, searchPath, out var handle))
            return handle;
        return NativeLibrary.TryLoad(fallback, out handle) ? handle : IntPtr.Zero;
    }
}
