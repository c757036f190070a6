namespace GpuNet.Tests.Cli;

/// <summary><c>gpunet ptx</c>: one file per kernel of the table and the two manifests, or a one-line usage error.</summary>
public sealed class PtxCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Writes_one_ptx_file_per_kernel_and_the_manifests()
    {
        string outDir = Path.Combine(_dir.Path, "ptx");
        var run = CliRun.Of("ptx", "--out", outDir, "--arch", "sm_80");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{IlgpuKernels.All.Count} kernels for sm_80", run.Stdout);
        Assert.Equal(IlgpuKernels.All.Select(e => e.Name + ".ptx").Order(), Directory.GetFiles(outDir, "*.ptx").Select(Path.GetFileName).Order());
        using var kernels = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "kernels.json")));
        Assert.Equal(IlgpuKernels.All.Count, kernels.RootElement.GetArrayLength());
        // The report marks the rung a CUDA device uses for most shapes: DoubleBuffered128's four layouts, each plain, with
        // bias + activation and with the activation's backward.
        Assert.Equal(12, kernels.RootElement.EnumerateArray().Count(k => k.GetProperty("default_gemm").GetBoolean()));
        using var launches = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "launches.json")));
        Assert.All(launches.RootElement.EnumerateArray(), l =>
        {
            Assert.True(l.GetProperty("groups").GetInt64() >= PtxExport.H200Multiprocessors || l.GetProperty("why_fewer").GetString() is { Length: > 0 },
                $"{l.GetProperty("op").GetString()}: too few groups and no reason");
            Assert.Equal(l.GetProperty("splits").GetInt32() > 1 ? 2 : 1, l.GetProperty("launches").GetInt32());
        });
    }

    [Theory]
    [InlineData("--arch", "sm_9", "--arch sm_9")]
    [InlineData("--arch", "compute_90", "--arch compute_90")]
    [InlineData("--isa", "7", "--isa 7")]
    [InlineData("--isa", "x.y", "--isa x.y")]
    [InlineData("--out", "", "--out")]
    [InlineData("--arch", "sm_999", "--arch sm_999: not an architecture ILGPU compiles for")]
    [InlineData("--isa", "99.9", "--isa 99.9: not a PTX ISA version ILGPU writes")]
    public void Bad_options_are_one_line_usage_errors(string option, string value, string fragment)
    {
        CliRun.Replacing("ptx", new Dictionary<string, string> { ["--out"] = Path.Combine(_dir.Path, "ptx") }, option, value).AssertOneLineUsageError(fragment);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "ptx", "kernels.json")));
    }

    [Fact]
    public void The_line_says_which_target_the_ptx_names_when_it_is_not_the_arch_asked_for()
    {
        string outDir = Path.Combine(_dir.Path, "ptx");
        var run = CliRun.Of("ptx", "--out", outDir, "--arch", "sm_90");
        Assert.True(run.ExitCode == 0, run.ToString());
        string target = File.ReadLines(Directory.GetFiles(outDir, "*.ptx")[0]).First(l => l.StartsWith(".target ", StringComparison.Ordinal))[".target ".Length..].Trim();
        Assert.Equal("sm_80", target); // ILGPU 1.5.3's newest target
        Assert.Contains("for sm_90 (the PTX says .target sm_80", run.Stdout);
    }
}
