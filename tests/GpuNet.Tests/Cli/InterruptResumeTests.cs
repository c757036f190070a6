using System.Diagnostics;
using System.Runtime.InteropServices;
using GpuNet.Checkpoints;
using GpuNet.Tests.TestSupport;

namespace GpuNet.Tests.Cli;

/// <summary>
/// Ctrl+C as a user presses it: gpunet runs as a child process, receives SIGINT mid-run, saves a
/// checkpoint, exits 130, and `--resume` then carries the run to completion.
/// </summary>
public sealed class InterruptResumeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Slow]
    [Fact]
    public async Task Sigint_saves_a_resumable_checkpoint_and_exits_130()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("SIGINT is a POSIX signal");
        var outDir = Path.Combine(_dir.Path, "run");
        using var child = StartGpunet("train", "--data", "spirals", "--samples", "200000", "--hidden", "64", "--epochs", "200",
            "--device", "cpu", "--out", outDir, "--quiet");
        var stdout = child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = child.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        // Interrupt once the first epoch's checkpoint exists, i.e. genuinely mid-run.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!File.Exists(Path.Combine(outDir, RunCheckpoints.LastFile)) && !child.HasExited && DateTime.UtcNow < deadline)
            Thread.Sleep(50);
        Assert.False(child.HasExited, "gpunet ended before it could be interrupted"); // (reading its output here would wait for it to end)
        Assert.True(kill(child.Id, SigInt) == 0, $"kill failed: errno {Marshal.GetLastPInvokeError()}");
        Assert.True(child.WaitForExit(60_000), "gpunet did not stop after SIGINT");
        string output = await stdout, errors = await stderr;

        Assert.True(child.ExitCode == 130, $"exit {child.ExitCode}: {output} {errors}");
        Assert.Contains("interrupted at epoch", output);
        Assert.Contains("--resume", output);
        var saved = RunCheckpoints.LoadForResume(outDir);
        Assert.True(saved.Optimizer.State.Epoch >= 1);

        var resumed = CliRun.Of("train", "--resume", outDir, "--epochs", (saved.Optimizer.State.Epoch + 1).ToString(), "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resuming", resumed.Stdout);
        Assert.Equal(saved.Optimizer.State.Epoch + 1, RunCheckpoints.LoadForResume(outDir).Optimizer.State.Epoch);
    }

    [Fact]
    public void Four_epochs_and_a_resume_for_two_equal_six_straight_bit_for_bit_on_cpu()
    {
        string a = Path.Combine(_dir.Path, "a"), b = Path.Combine(_dir.Path, "b");
        string[] common = ["train", "--data", "spirals", "--hidden", "16", "--device", "cpu", "--momentum", "0.9", "--nesterov", "--weight-decay", "0.001", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. common, "--epochs", "4", "--out", a]).ExitCode);
        Assert.Equal(0, CliRun.Of("train", "--resume", a, "--epochs", "6", "--quiet").ExitCode);
        Assert.Equal(0, CliRun.Of([.. common, "--epochs", "6", "--out", b]).ExitCode);

        Assert.Equal(File.ReadAllBytes(Path.Combine(b, RunCheckpoints.LastFile)), File.ReadAllBytes(Path.Combine(a, RunCheckpoints.LastFile)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(b, RunCheckpoints.OptimizerFile)), File.ReadAllBytes(Path.Combine(a, RunCheckpoints.OptimizerFile)));
        Assert.Equal(7, File.ReadAllLines(Path.Combine(a, "metrics.csv")).Length); // the header and six epochs, none lost
    }

    /// <summary>
    /// Starts gpunet through env(1) with SIGINT's default action restored: a test host started from
    /// a non-interactive shell may ignore SIGINT, children inherit that, and .NET honours it.
    /// </summary>
    private static Process StartGpunet(params string[] args)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "gpunet.dll") }) start.ArgumentList.Add(arg);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public void Dispose() => _dir.Dispose();
}
