using System.Reflection;
using GpuNet.Kernels;
using ILGPU;
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
    /// <summary>Compiles and loads the kernel on an accelerator as its typed launcher (set by <see cref="Kernel{TLauncher}"/>).</summary>
    internal Func<Accelerator, KernelEntry, Delegate> Loader { get; init; } = (_, e) => throw new InvalidOperationException($"kernel {e.Name} has no launcher type");

    /// <summary>The kernel compiled for <paramref name="accelerator"/> as this entry says, as its launcher delegate.</summary>
    internal Delegate Load(Accelerator accelerator) => Loader(accelerator, this);

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
/// One kernel of the table with the type of its launcher: ILGPU's launcher delegate, whose arguments are the stream, the
/// launch extent (<c>Index1D</c> for an implicitly grouped kernel, <c>KernelConfig</c> for a grouped one) and the kernel's
/// own. The entry is the one declaration of the kernel: the backend loads every entry of <see cref="IlgpuKernels.All"/>
/// and launches through it (a wrong launcher type fails when the backend loads it), and PTX export compiles the same list.
/// </summary>
public sealed class Kernel<TLauncher> where TLauncher : Delegate
{
    internal Kernel(KernelEntry entry) => Entry = entry;

    public KernelEntry Entry { get; }
}

/// <summary>
/// Every kernel entry point <see cref="IlgpuBackend"/> loads, with how it is launched. The
/// backend loads exactly these, and <see cref="PtxExport"/> compiles exactly these, so the PTX
/// that ptxas assembles in CI is the PTX a CUDA device would run.
/// </summary>
public static class IlgpuKernels
{
    /// <summary>Threads per group of the implicitly grouped (elementwise, per-row) kernels.</summary>
    public const int ElementwiseThreads = 256;

    /// <summary>Threads per group of the grouped GEMM rungs (16×16).</summary>
    public const int GemmThreads = 256;

    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>> GemmNaive { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>>("GemmNaive", Kernels.GemmNaive.Kernel, GemmKernel.Naive);
    public static Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>> GemmTiled16 { get; } =
        Grouped<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>>("GemmTiled16", Kernels.GemmTiled16.Kernel, GemmKernel.Tiled16);
    public static Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>> GemmRegister64 { get; } =
        Grouped<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>>("GemmRegister64", Kernels.GemmRegister64.Kernel, GemmKernel.Register64);

    /// <summary>
    /// The default GPU rung, one kernel per operand layout and store, indexed by (TransA·2 + TransB)·3 + store (NN, NT, TN,
    /// TT; plain, with bias + activation, with the activation's backward: <see cref="DoubleBuffered128Store"/>). Two
    /// resident groups per multiprocessor caps ptxas at 128 registers: 16 warps to hide latency.
    /// </summary>
    public static IReadOnlyList<Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>>> GemmDoubleBuffered128 { get; } =
    [
        .. DoubleBuffered128Stores<KContiguousLayout, RContiguousLayout>("NN"),
        .. DoubleBuffered128Stores<KContiguousLayout, KContiguousLayout>("NT"),
        .. DoubleBuffered128Stores<RContiguousLayout, RContiguousLayout>("TN"),
        .. DoubleBuffered128Stores<RContiguousLayout, KContiguousLayout>("TT"),
    ];

    /// <summary>
    /// Which store of <see cref="GemmDoubleBuffered128"/> a launch with <paramref name="epilogue"/> takes: 0 plain (no
    /// epilogue, or the row sums, which leave C alone), 1 bias + activation, 2 the activation's backward.
    /// </summary>
    public static int DoubleBuffered128Store(GemmEpilogueKind epilogue) => epilogue switch
    {
        GemmEpilogueKind.BiasActivation => 1,
        GemmEpilogueKind.ActivationBackward => 2,
        _ => 0,
    };

    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmSplitKParams>> GemmSplitKReduce { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmSplitKParams>>("GemmSplitKReduce", GemmSplitK.Reduce);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int>> BiasActivation { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int>>("BiasActivation", ActivationKernels.BiasActivation);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>> ActivationForward { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>>("ActivationForward", ActivationKernels.Forward);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>> ActivationBackward { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>>("ActivationBackward", ActivationKernels.Backward);
    public static Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int>> ColumnSums { get; } =
        Grouped<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int>>("ColumnSums", ReduceKernels.ColumnSums, threads: ReduceKernels.Columns * ReduceKernels.Lanes);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SoftmaxCrossEntropyParams>> SoftmaxCrossEntropy { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SoftmaxCrossEntropyParams>>("SoftmaxCrossEntropy", SoftmaxKernels.CrossEntropy);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>> Softmax { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>>("Softmax", SoftmaxKernels.Softmax);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LogisticParams>> SigmoidBce { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LogisticParams>>("SigmoidBce", LogisticKernels.SigmoidBce);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdKernelParams>> Sgd { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdKernelParams>>("Sgd", OptimKernels.Sgd);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamKernelParams>> Adam { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamKernelParams>>("Adam", OptimKernels.Adam);
    public static Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int>> SquareSums { get; } =
        Grouped<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int>>("SquareSums", ReduceKernels.SquareSums, threads: ReduceKernels.SumThreads);
    public static Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, float>> ClipScale { get; } =
        Grouped<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, float>>("ClipScale", ReduceKernels.ClipScale, threads: ReduceKernels.SumThreads);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, DropoutKernelParams>> Dropout { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, DropoutKernelParams>>("Dropout", DropoutKernels.Dropout);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<PackFeature>, ArrayView<PackStep>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PackRowsParams>> PackBiasActivation { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<PackFeature>, ArrayView<PackStep>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PackRowsParams>>("PackBiasActivation", PackKernels.BiasActivation);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<PackFeature>, ArrayView<PackStep>, ArrayView<float>, ArrayView<float>, PackRowsParams>> PackActivationBackward { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<PackFeature>, ArrayView<PackStep>, ArrayView<float>, ArrayView<float>, PackRowsParams>>("PackActivationBackward", PackKernels.ActivationBackward);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<PackMember>, ArrayView<PackStep>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, PackLossParams>> PackLoss { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<PackMember>, ArrayView<PackStep>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, PackLossParams>>("PackLoss", PackKernels.Loss);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>> RowSums { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>>("RowSums", PackKernels.RowSums);
    public static Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<PackSegment>, ArrayView<PackMember>, ArrayView<float>, ArrayView<float>>> PackClipScale { get; } =
        Grouped<Action<AcceleratorStream, KernelConfig, ArrayView<PackSegment>, ArrayView<PackMember>, ArrayView<float>, ArrayView<float>>>("PackClipScale", PackKernels.ClipScale, threads: ReduceKernels.SumThreads);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<PackSegment>, ArrayView<PackMember>, ArrayView<PackStep>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PackUpdateParams>> PackUpdate { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<PackSegment>, ArrayView<PackMember>, ArrayView<PackStep>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PackUpdateParams>>("PackUpdate", PackKernels.Update);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams>> GatherRows { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams>>("GatherRows", GatherKernels.Rows);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams>> GatherByteRows { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GatherParams>>("GatherByteRows", GatherKernels.ByteRows);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<int>, int, int>> GatherLabels { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<int>, ArrayView<int>, int, int>>("GatherLabels", GatherKernels.Labels);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams>> GatherBatch { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams>>("GatherBatch", GatherKernels.Batch);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams>> GatherByteBatch { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GatherParams>>("GatherByteBatch", GatherKernels.ByteBatch);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, float, float, ulong>> InitUniform { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, float, float, ulong>>("InitUniform", RandomKernels.Uniform);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, float, float, ulong>> InitNormal { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, float, float, ulong>>("InitNormal", RandomKernels.Normal);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, float>> Fill { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, float>>("Fill", FillKernels.Fill);
    public static Kernel<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>>> Copy { get; } =
        Implicit<Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>>>("Copy", FillKernels.Copy);

    /// <summary>Every kernel above, in declaration order (the order PTX export writes them).</summary>
    public static IReadOnlyList<KernelEntry> All { get; } =
    [
        GemmNaive.Entry, GemmTiled16.Entry, GemmRegister64.Entry, .. GemmDoubleBuffered128.Select(k => k.Entry), GemmSplitKReduce.Entry,
        BiasActivation.Entry, ActivationForward.Entry, ActivationBackward.Entry, ColumnSums.Entry,
        SoftmaxCrossEntropy.Entry, Softmax.Entry, SigmoidBce.Entry,
        Sgd.Entry, Adam.Entry, SquareSums.Entry, ClipScale.Entry, Dropout.Entry,
        PackBiasActivation.Entry, PackActivationBackward.Entry, PackLoss.Entry, RowSums.Entry, PackClipScale.Entry, PackUpdate.Entry,
        GatherRows.Entry, GatherByteRows.Entry, GatherLabels.Entry, GatherBatch.Entry, GatherByteBatch.Entry,
        InitUniform.Entry, InitNormal.Entry, Fill.Entry, Copy.Entry,
    ];

    private static Kernel<TLauncher> Implicit<TLauncher>(string name, Delegate kernel, GemmKernel? rung = null) where TLauncher : Delegate =>
        new(new KernelEntry(name, kernel.Method, false, ElementwiseThreads, Rung: rung)
        {
            Loader = static (accelerator, e) => accelerator.LoadImplicitlyGroupedKernel<TLauncher>(e.Method, e.GroupSizeFor(accelerator.MaxNumThreadsPerGroup)),
        });

    private static Kernel<TLauncher> Grouped<TLauncher>(string name, Delegate kernel, GemmKernel? rung = null, int? minGroups = null, int threads = GemmThreads)
        where TLauncher : Delegate =>
        new(new KernelEntry(name, kernel.Method, true, threads, minGroups, rung)
        {
            Loader = static (accelerator, e) => accelerator.LoadKernel<TLauncher>(e.Method, e.SpecializationFor(accelerator.MaxNumThreadsPerGroup)),
        });

    /// <summary>One layout's three kernels of the 128 rung, in <see cref="DoubleBuffered128Store"/>'s order.</summary>
    private static Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>>[] DoubleBuffered128Stores<TA, TB>(string layouts)
        where TA : struct, IGemmLayout
        where TB : struct, IGemmLayout =>
    [
        DoubleBuffered128(layouts, Kernels.GemmDoubleBuffered128.Kernel<TA, TB, PlainStore>),
        DoubleBuffered128(layouts + "BiasActivation", Kernels.GemmDoubleBuffered128.Kernel<TA, TB, BiasActivationStore>),
        DoubleBuffered128(layouts + "ActivationBackward", Kernels.GemmDoubleBuffered128.Kernel<TA, TB, ActivationBackwardStore>),
    ];

    private static Kernel<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>> DoubleBuffered128(string layouts, Delegate kernel) =>
        Grouped<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>>(
            "GemmDoubleBuffered128" + layouts, kernel, GemmKernel.DoubleBuffered128, minGroups: 2);
}
