using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GpuNet.Tests.Ilgpu;

/// <summary>
/// The GPU kernels through NVIDIA's assembler, without a GPU: every kernel the ILGPU backend
/// loads is compiled to PTX as a CUDA device would compile it, then assembled by ptxas for
/// sm_80 and sm_90. ptxas comes from $GPUNET_CUDA_TOOLS or the PATH (perf/gpu/cuda-tools.sh
/// fetches it); without it the assembling tests skip, unless GPUNET_REQUIRE_PTXAS=1 (CI).
/// </summary>
[Slow]
public sealed partial class PtxasTests(PtxasTests.KernelAssembly assembly) : IClassFixture<PtxasTests.KernelAssembly>
{
    private static readonly string[] Architectures = ["sm_80", "sm_90"];

    [Fact]
    public void Every_kernel_compiles_to_ptx_without_a_gpu()
    {
        var kernels = assembly.Kernels;
        Assert.Equal(IlgpuKernels.All.Select(e => e.Name), kernels.Select(k => k.Entry.Name));
        foreach (var kernel in kernels)
        {
            Assert.Contains(".target sm_80", kernel.Ptx);
            Assert.Contains(".version 7.8", kernel.Ptx);
            Assert.Matches($@"\.maxntid {kernel.Entry.Threads}, 1, 1", kernel.Ptx);
            if (kernel.Entry.MinGroupsPerMultiprocessor is { } groups)
                Assert.Contains($".minnctapersm {groups}", kernel.Ptx);
        }
    }

    [Fact]
    public void Every_kernel_assembles_for_sm80_and_sm90_without_spills_or_stack()
    {
        var figures = assembly.AssembledBy(FindPtxas());
        Assert.Equal(IlgpuKernels.All.Count * Architectures.Length, figures.Count);
        foreach (var ((name, arch), f) in figures)
        {
            Assert.True(f.SpillStores == 0 && f.SpillLoads == 0, $"{name} {arch}: spills {f.SpillStores} B stores, {f.SpillLoads} B loads");
            Assert.True(f.Stack == 0, $"{name} {arch}: {f.Stack} B stack frame");
        }
        // The tuning target the report tracks: two 256-thread groups of the default rung per SM.
        foreach (var entry in IlgpuKernels.All.Where(e => e.Rung == GemmKernel.DoubleBuffered128))
            foreach (var arch in Architectures)
                Assert.True(figures[(entry.Name, arch)].Registers <= 128, $"{entry.Name} {arch}: {figures[(entry.Name, arch)].Registers} registers");
    }

    /// <summary>perf/gpu/ptx-report.sh's report.json (CI points GPUNET_PTX_REPORT at it) says what ptxas says.</summary>
    [Fact]
    public void The_ptx_report_agrees_with_ptxas()
    {
        string? report = Environment.GetEnvironmentVariable("GPUNET_PTX_REPORT");
        if (string.IsNullOrEmpty(report))
            Assert.Skip("GPUNET_PTX_REPORT is not set (CI sets it to the report perf/gpu/ptx-report.sh wrote)");
        string ptxDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(report))!, "ptx");
        var reported = IlgpuKernels.All.Select(e => (e.Name, File.ReadAllText(Path.Combine(ptxDir, e.Name + ".ptx")))).ToList();
        // ptxas is deterministic: when the report was made from the PTX this build compiles (CI's
        // case), the figures already assembled for it are ptxas's answer for the report's PTX too.
        string ptxas = FindPtxas();
        var figures = reported.SequenceEqual(assembly.Sources) ? assembly.AssembledBy(ptxas) : Assemble(ptxas, reported);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        int rows = 0;
        foreach (var row in json.RootElement.EnumerateArray())
        {
            var key = (row.GetProperty("kernel").GetString()!, row.GetProperty("arch").GetString()!);
            var f = figures[key];
            Assert.Equal(f.Registers, row.GetProperty("registers").GetInt32());
            Assert.Equal(f.SpillStores, row.GetProperty("spill_store_bytes").GetInt32());
            Assert.Equal(f.SpillLoads, row.GetProperty("spill_load_bytes").GetInt32());
            Assert.Equal(f.Stack, row.GetProperty("stack_bytes").GetInt32());
            Assert.Equal(f.Shared, row.GetProperty("shared_bytes").GetInt32());
            rows++;
        }
        Assert.Equal(figures.Count, rows);
    }

    internal sealed record Figures(int Registers, int Shared, int Stack, int SpillStores, int SpillLoads);

    /// <summary>
    /// The kernels compiled to PTX once, and assembled by ptxas once, for the whole class: assembling
    /// every kernel for every architecture is the class's main cost.
    /// </summary>
    public sealed class KernelAssembly
    {
        private readonly Lock _gate = new();
        private Dictionary<(string, string), Figures>? _figures;

        public IReadOnlyList<PtxKernel> Kernels { get; } = PtxExport.Compile(PtxExport.DefaultArchitecture, PtxExport.DefaultInstructionSet);

        public IReadOnlyList<(string Name, string Ptx)> Sources => [.. Kernels.Select(k => (k.Entry.Name, k.Ptx))];

        internal Dictionary<(string, string), Figures> AssembledBy(string ptxas)
        {
            lock (_gate)
                return _figures ??= Assemble(ptxas, Sources);
        }
    }

    /// <summary>ptxas -v on every kernel for every architecture.</summary>
    private static Dictionary<(string, string), Figures> Assemble(string ptxas, IReadOnlyList<(string Name, string Ptx)> kernels)
    {
        var result = new Dictionary<(string, string), Figures>();
        using var work = new TempDirectory();
        foreach (var (name, ptx) in kernels)
        {
            foreach (var arch in Architectures)
            {
                string source = Path.Combine(work.Path, $"{name}.{arch}.ptx");
                File.WriteAllText(source, TargetLine().Replace(ptx, $".target {arch}", 1));
                var (exit, log) = Run(ptxas, "-v", $"-arch={arch}", "-o", Path.Combine(work.Path, $"{name}.{arch}.cubin"), source);
                Assert.True(exit == 0, $"ptxas failed on {name} for {arch}: {log}");
                var frame = FrameLine().Match(log);
                var used = UsedLine().Match(log);
                Assert.True(frame.Success && used.Success, $"unexpected ptxas output for {name} {arch}: {log}");
                result[(name, arch)] = new Figures(int.Parse(used.Groups[1].Value), used.Groups[2].Success ? int.Parse(used.Groups[2].Value) : 0,
                    int.Parse(frame.Groups[1].Value), int.Parse(frame.Groups[2].Value), int.Parse(frame.Groups[3].Value));
            }
        }
        return result;
    }

    private static string FindPtxas()
    {
        var dirs = new List<string>();
        if (Environment.GetEnvironmentVariable("GPUNET_CUDA_TOOLS") is { Length: > 0 } tools)
            dirs.Add(tools);
        dirs.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        var found = dirs.Select(d => Path.Combine(d, "ptxas")).FirstOrDefault(File.Exists);
        if (found is not null)
            return found;
        if (Environment.GetEnvironmentVariable("GPUNET_REQUIRE_PTXAS") == "1")
            Assert.Fail("ptxas not found in $GPUNET_CUDA_TOOLS or the PATH, and GPUNET_REQUIRE_PTXAS=1");
        Assert.Skip("ptxas not found (perf/gpu/cuda-tools.sh fetches it; set GPUNET_CUDA_TOOLS)");
        throw new UnreachableException();
    }

    private static (int Exit, string Log) Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }

    // ILGPU 1.5.3 writes at most .target sm_80; each architecture assembles a copy that names it.
    [GeneratedRegex(@"^\.target\s+sm_\d+", RegexOptions.Multiline)]
    private static partial Regex TargetLine();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"Used (\d+) registers(?:, (\d+) bytes smem)?")]
    private static partial Regex UsedLine();
}
