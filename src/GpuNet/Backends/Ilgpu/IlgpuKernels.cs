using System.Reflection;
using GpuNet.Kernels;
using ILGPU.Backends.EntryPoints;
using ILGPU.Runtime;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// How an entry point is launched, which decides how it is compiled: an implicitly grouped
/// kernel (an <c>Index1D</c> first parameter) runs in groups of <see cref="Threads"/>
/// threads chosen by the host; an explicitly grouped one (a GEMM rung) is launched with its
/// own grid and group, and may ask the assembler for <see cref="MinGroupsPerMultiprocessor"/>
/// resident groups (PTX <c>.minnctapersm</c>), which caps its registers.
/// </summary>
public sealed record KernelEntry(string Name, MethodInfo Method, bool ExplicitlyGrouped, int Threads, int? MinGroupsPerMultiprocessor = null, GemmKernel? Rung = null)
{
    /// <summary>What ILGPU compiles: the method seen as an implicitly or explicitly grouped kernel.</summary>
    public EntryPointDescription Description => ExplicitlyGrouped
        ? EntryPointDescription.FromExplicitlyGroupedKernel(Method)
        : EntryPointDescription.FromImplicitlyGroupedKernel(Method);

    /// <summary>
    /// The specialisation on a GPU (<c>.maxntid</c> and <c>.minnctapersm</c> in PTX). An
    /// accelerator with smaller groups than <see cref="Threads"/> (ILGPU's 16-thread CPU
    /// simulator) gets no specialisation: implicit kernels shrink their groups to fit, and the
    /// grouped rungs cannot run there anyway.
    /// </summary>
    public KernelSpecialization SpecializationFor(int maxThreadsPerGroup) => Threads <= maxThreadsPerGroup
        ? new KernelSpecialization(Threads, MinGroupsPerMultiprocessor)
        : KernelSpecialization.Empty;

    /// <summary>The specialisation a CUDA device gets (every NVIDIA GPU allows 1024 threads per group).</summary>
    public KernelSpecialization CudaSpecialization => SpecializationFor(1024);

    /// <summary>Threads per group on an accelerator: <see cref="Threads"/>, or fewer where the accelerator allows fewer.</summary>
    public int GroupSizeFor(int maxThreadsPerGroup) => Math.Min(Threads, maxThreadsPerGroup);
}

/// <summary>
/// Every kernel entry point <see cref="IlgpuBackend"/> loads, with how it is launched. The
/// backend loads exactly these (a test checks), and <see cref="PtxExport"/> compiles exactly
/// these, so the PTX that ptxas assembles in CI is the PTX a CUDA device would run.
/// </summary>
public static class IlgpuKernels
{
    /// <summary>Threads per group of the implicitly grouped (elementwise, per-row) kernels.</summary>
    public const int ElementwiseThreads = 256;

    /// <summary>Threads per group of the grouped GEMM rungs (16×16).</summary>
    public const int GemmThreads = 256;

    public static IReadOnlyList<KernelEntry> All { get; } =
    [
        Implicit("GemmNaive", GemmNaive.Kernel) with { Rung = GemmKernel.Naive },
        Grouped("GemmTiled16", GemmTiled16.Kernel) with { Rung = GemmKernel.Tiled16 },
        Grouped("GemmRegister64", GemmRegister64.Kernel) with { Rung = GemmKernel.Register64 },
        // The default GPU rung, one kernel per operand layout (NN, NT, TN, TT). Two resident
        // groups per multiprocessor caps ptxas at 128 registers: 16 warps to hide latency.
        DoubleBuffered128("NN", GemmDoubleBuffered128.Kernel<KContiguousLayout, RContiguousLayout>),
        DoubleBuffered128("NT", GemmDoubleBuffered128.Kernel<KContiguousLayout, KContiguousLayout>),
        DoubleBuffered128("TN", GemmDoubleBuffered128.Kernel<RContiguousLayout, RContiguousLayout>),
        DoubleBuffered128("TT", GemmDoubleBuffered128.Kernel<RContiguousLayout, KContiguousLayout>),
        Implicit("GemmSplitKReduce", GemmSplitK.Reduce),
        Implicit("BiasActivation", ActivationKernels.BiasActivation),
        Implicit("ActivationForward", ActivationKernels.Forward),
        Implicit("ActivationBackward", ActivationKernels.Backward),
        Grouped("ColumnSums", ReduceKernels.ColumnSums, threads: ReduceKernels.Columns * ReduceKernels.Lanes),
        Implicit("SoftmaxCrossEntropy", SoftmaxKernels.CrossEntropy),
        Implicit("Softmax", SoftmaxKernels.Softmax),
        Implicit("SigmoidBce", LogisticKernels.SigmoidBce),
        Implicit("Sgd", OptimKernels.Sgd),
        Implicit("Adam", OptimKernels.Adam),
        Implicit("SquarePartials", ReduceKernels.SquarePartials),
        Implicit("ClipScale", ReduceKernels.ClipScale),
        Implicit("Dropout", DropoutKernels.Dropout),
        Implicit("GatherRows", GatherKernels.Rows),
        Implicit("GatherByteRows", GatherKernels.ByteRows),
        Implicit("GatherLabels", GatherKernels.Labels),
        Implicit("GatherBatch", GatherKernels.Batch),
        Implicit("GatherByteBatch", GatherKernels.ByteBatch),
        Implicit("InitUniform", RandomKernels.Uniform),
        Implicit("InitNormal", RandomKernels.Normal),
        Implicit("Fill", FillKernels.Fill),
        Implicit("Copy", FillKernels.Copy),
    ];

    private static readonly Dictionary<MethodInfo, KernelEntry> ByMethod = All.ToDictionary(e => e.Method);

    /// <summary>The entry of a kernel method; a method missing from <see cref="All"/> is a programming error.</summary>
    public static KernelEntry Of(MethodInfo method) =>
        ByMethod.TryGetValue(method, out var entry) ? entry
            : throw new InvalidOperationException($"kernel {method.DeclaringType?.Name}.{method.Name} is not listed in {nameof(IlgpuKernels)}.{nameof(All)}");

    private static KernelEntry Implicit(string name, Delegate kernel) => new(name, kernel.Method, false, ElementwiseThreads);

    private static KernelEntry DoubleBuffered128(string layouts, Delegate kernel) =>
        Grouped("GemmDoubleBuffered128" + layouts, kernel, minGroups: 2) with { Rung = GemmKernel.DoubleBuffered128 };

    private static KernelEntry Grouped(string name, Delegate kernel, int? minGroups = null, int threads = GemmThreads) => new(name, kernel.Method, true, threads, minGroups);
}
