using System.Text.Json;
using GpuNet.IO;
using GpuNet.Kernels;
using GpuNet.Reference;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;

namespace GpuNet.Backends.Ilgpu;

/// <summary>One kernel's PTX, as ILGPU's CUDA backend would hand it to the driver.</summary>
public sealed record PtxKernel(KernelEntry Entry, string Ptx);

/// <summary>
/// Compiles every kernel <see cref="IlgpuBackend"/> loads to PTX with no GPU and no driver:
/// ILGPU's <see cref="PTXBackend"/>, constructed directly, under the context settings of
/// <see cref="IlgpuCompilation"/> and with each kernel's CUDA specialisation from
/// <see cref="IlgpuKernels"/>, which is exactly what a CUDA accelerator does when it loads them.
/// </summary>
public static class PtxExport
{
    /// <summary>
    /// The PTX ISA written by default: 7.8, the newest that CUDA 11.8's ptxas (Debian 12's)
    /// accepts. A CUDA accelerator writes the newest ISA its driver supports instead; the ISA
    /// version gates PTX features, none of which these kernels use.
    /// </summary>
    public static readonly CudaInstructionSet DefaultInstructionSet = CudaInstructionSet.ISA_78;

    /// <summary>
    /// The architecture compiled for by default: an H100/H200 (sm_90). ILGPU 1.5.3 writes
    /// <c>.target sm_80</c> for it, the newest target it knows.
    /// </summary>
    public static readonly CudaArchitecture DefaultArchitecture = CudaArchitecture.SM_90;

    public static IReadOnlyList<PtxKernel> Compile(CudaArchitecture architecture, CudaInstructionSet instructionSet)
    {
        using var context = Context.Create(b => IlgpuCompilation.Configure(b));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, instructionSet, nvvmAPI: null);
        var kernels = new List<PtxKernel>(IlgpuKernels.All.Count);
        foreach (var entry in IlgpuKernels.All)
        {
            var compiled = (PTXCompiledKernel)backend.Compile(entry.Description, entry.CudaSpecialization);
            kernels.Add(new PtxKernel(entry, compiled.PTXAssembly));
        }
        return kernels;
    }

    /// <summary>
    /// Writes one <c>NAME.ptx</c> per kernel into <paramref name="directory"/>, and
    /// <c>kernels.json</c>: how each is launched, which are GEMM rungs, and which rung a CUDA
    /// device uses by default (what perf/gpu/ptx-report.sh reads). Returns the PTX paths.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, CudaArchitecture architecture, CudaInstructionSet instructionSet)
    {
        Directory.CreateDirectory(directory);
        var kernels = Compile(architecture, instructionSet);
        var paths = new List<string>();
        foreach (var kernel in kernels)
        {
            string path = Path.Combine(directory, kernel.Entry.Name + ".ptx");
            AtomicFile.WriteAllText(path, kernel.Ptx);
            paths.Add(path);
        }
        var cudaDefault = IlgpuBackend.DefaultGemmKernel(AcceleratorType.Cuda);
        var manifest = kernels.Select(k => new
        {
            kernel = k.Entry.Name,
            file = k.Entry.Name + ".ptx",
            explicitly_grouped = k.Entry.ExplicitlyGrouped,
            threads_per_group = k.Entry.Threads,
            min_groups_per_sm = k.Entry.MinGroupsPerMultiprocessor,
            gemm_rung = k.Entry.Rung?.ToString(),
            default_gemm = k.Entry.Rung == (cudaDefault == GemmKernel.Auto ? GemmKernel.DoubleBuffered128 : cudaDefault),
        });
        var indented = new JsonSerializerOptions { WriteIndented = true };
        AtomicFile.WriteAllText(Path.Combine(directory, "kernels.json"), JsonSerializer.Serialize(manifest, indented));
        AtomicFile.WriteAllText(Path.Combine(directory, "launches.json"), JsonSerializer.Serialize(TrainingLaunches(H200Multiprocessors), indented));
        return paths;
    }

    /// <summary>Multiprocessors of an H200 (and an H100 SXM): the groups a launch needs to fill one.</summary>
    public const int H200Multiprocessors = 132;

    /// <summary>
    /// The GEMMs of one training step of MLP 784-256-10 and MLP 784-1024-1024-10 at batch 128,
    /// 512 and 4096: per layer the forward X·Wᵀ (NT), the weight gradient dYᵀ·X (TN) and, above
    /// the first layer, the input gradient dY·W (NN).
    /// </summary>
    public static IEnumerable<(string Name, GemmShape Shape)> TrainingGemms()
    {
        int[][] models = [[784, 256, 10], [784, 1024, 1024, 10]];
        foreach (var sizes in models)
            foreach (int batch in new[] { 128, 512, 4096 })
                for (int l = 0; l + 1 < sizes.Length; l++)
                {
                    string model = $"mlp {string.Join('-', sizes)} batch {batch} layer {l + 1}";
                    foreach (var gemm in GemmCase.TrainingShapes(batch, sizes[l], sizes[l + 1], inputGradient: l > 0))
                        yield return ($"{model} {Roles[gemm.Label.Split(' ')[0]]}", gemm.Shape);
                }
    }

    private static readonly Dictionary<string, string> Roles = new() { ["fwd"] = "forward", ["dW"] = "weight gradient", ["dX"] = "input gradient" };

    /// <summary>
    /// How each training GEMM launches on a device of <paramref name="multiprocessors"/> SMs, with the epilogue the step
    /// fuses into it (the forward's bias + activation, the input gradient's activation backward, the weight gradient's bias
    /// gradient in one more column of groups) and its launches: one, or two under split-K (the reduction applies the epilogue).
    /// </summary>
    public static IEnumerable<object> TrainingLaunches(int multiprocessors)
    {
        var rung = IlgpuBackend.DefaultGemmKernel(AcceleratorType.Cuda);
        foreach (var (name, shape) in TrainingGemms())
        {
            var plan = GemmPlan.For(shape, rung, multiprocessors);
            bool weightGradient = name.EndsWith("weight gradient", StringComparison.Ordinal);
            long sumGroups = !weightGradient ? 0
                : plan.Kernel == GemmKernel.Naive ? (shape.M + IlgpuKernels.ElementwiseThreads - 1) / IlgpuKernels.ElementwiseThreads
                : (shape.M + GemmDoubleBuffered128.Block - 1) / GemmDoubleBuffered128.Block * plan.Splits;
            yield return new
            {
                op = name, m = shape.M, n = shape.N, k = shape.K,
                layout = $"{(shape.TransA ? 'T' : 'N')}{(shape.TransB ? 'T' : 'N')}",
                epilogue = weightGradient ? "bias gradient (row sums beside C)" : name.EndsWith("forward", StringComparison.Ordinal) ? "bias + activation" : "activation backward",
                kernel = plan.Kernel.ToString(), splits = plan.Splits, groups = plan.Groups + sumGroups, launches = plan.Splits > 1 ? 2 : 1,
                why_fewer = plan.Shortfall,
            };
        }
    }
}
