using ILGPU;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// How every ILGPU context GpuNet opens compiles its kernels. One place, so the PTX that
/// <see cref="PtxExport"/> writes without a GPU is compiled exactly as a CUDA device would
/// compile it.
/// </summary>
public static class IlgpuCompilation
{
    /// <summary>
    /// ILGPU's optimisation level. O2 adds the passes that matter on a GPU: kernel
    /// parameters are inferred to live in global memory (so loads become <c>ld.global</c>,
    /// <c>LDG</c> in SASS, instead of generic <c>LD</c>) and loop-invariant code moves out of loops.
    /// </summary>
    public const OptimizationLevel Level = OptimizationLevel.O2;

    /// <summary>Applies GpuNet's settings to a context under construction: the level, and ILGPU.Algorithms' intrinsics.</summary>
    public static Context.Builder Configure(Context.Builder builder) => builder.Optimize(Level).EnableAlgorithms();
}
