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
    /// ILGPU's optimisation level: O1, chosen by what ptxas reports (perf/ptx/). O2 would make
    /// kernel parameters global-memory pointers (<c>LDG</c> instead of generic <c>LD</c>) and
    /// cut the old GEMM rung from 161 to 116 registers, but its aggressive code placement moves
    /// every FMA of the unrolled GEMM stage below the stage's barrier and every global load
    /// next to its shared store: all 32 shared quads are then live at once (three of the four
    /// layouts spill about 900 bytes at 128 registers) and the loads no longer overlap the math.
    /// At O1 the kernels keep the order they are written in.
    /// </summary>
    public const OptimizationLevel Level = OptimizationLevel.O1;

    /// <summary>Applies GpuNet's settings to a context under construction: the level, and ILGPU.Algorithms' intrinsics.</summary>
    public static Context.Builder Configure(Context.Builder builder) => builder.Optimize(Level).EnableAlgorithms();
}
