namespace GpuNet.Tests.Cli;

/// <summary>
/// Ctrl+C as a user presses it, and SIGTERM or SIGHUP as docker stop, Slurm, systemd or a closed terminal send
/// it: gpunet runs as a child process, receives the signal mid-run, saves a checkpoint, exits 130 (SIGINT) or
/// 143 (SIGTERM, SIGHUP), and `--resume` then carries the run to completion.
/// </summary>
public sealed class InterruptResumeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Slow]
    [Theory]
    [InlineData(GpunetProcess.SigInt, "interrupt", 130)]
    [InlineData(GpunetProcess.SigTerm, "SIGTERM", 143)]
    [InlineData(GpunetProcess.SigHup, "SIGHUP", 143)]
    public void A_stop_signal_saves_a_resumable_checkpoint_and_exits_with_its_code(int signal, string name, int exitCode)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("stop signals are POSIX signals");
        var outDir = Path.Combine(_dir.Path, "run");
        using var child = GpunetProcess.Start("train", "--data", "spirals", "--samples", "50000", "--hidden", "64", "--epochs", "200",
            "--device", "cpu", "--out", outDir, "--quiet");

        // Signal once the first epoch's line is out, i.e. genuinely mid-run.
        Assert.True(child.WaitForLine("epoch ", TimeSpan.FromSeconds(120)), $"gpunet printed no epoch line:\n{child.Output}");
        child.Signal(signal);
        int exit = child.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(exit == exitCode, $"exit {exit}:\n{child.Output}");
        Assert.Contains($"{name}: finishing the current step and saving", child.Output);
        Assert.Contains("interrupted at epoch", child.Output);
        Assert.Contains("--resume", child.Output);
        var saved = RunCheckpoints.LoadForResume(outDir)!;
        Assert.True(saved.Optimizer.State.Epoch >= 1);

        var resumed = CliRun.Of("train", "--resume", outDir, "--epochs", (saved.Optimizer.State.Epoch + 1).ToString(), "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resuming", resumed.Stdout);
        Assert.Equal(saved.Optimizer.State.Epoch + 1, RunCheckpoints.LoadForResume(outDir)!.Optimizer.State.Epoch);
    }

    [Fact]
    public void A_second_sigterm_quits_at_once_and_still_leaves_a_run_that_resumes()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("SIGTERM is a POSIX signal");
        var outDir = Path.Combine(_dir.Path, "run");
        using var child = GpunetProcess.Start("train", "--data", "spirals", "--samples", "50000", "--hidden", "64", "--epochs", "200",
            "--device", "cpu", "--out", outDir, "--quiet");
        Assert.True(child.WaitForLine("epoch ", TimeSpan.FromSeconds(120)), $"gpunet printed no epoch line:\n{child.Output}");
        child.Signal(GpunetProcess.SigTerm);
        Assert.True(child.WaitForLine("SIGTERM: finishing", TimeSpan.FromSeconds(60)), child.Output);
        child.Signal(GpunetProcess.SigTerm);
        child.WaitForExit(TimeSpan.FromSeconds(60));

        // Whether the second signal came before or after the save, the directory holds a whole generation (or none yet, when
        // the second signal came before the first save), and it resumes for exactly one more epoch. How far the run got
        // before the signal landed varies (on a loaded machine, several epochs after the line the test waited for), so the
        // target is counted from what was saved.
        int target = (RunCheckpoints.LoadForResume(outDir)?.Optimizer.State.Epoch ?? 0) + 1;
        var resumed = CliRun.Of("train", "--resume", outDir, "--epochs", target.ToString(System.Globalization.CultureInfo.InvariantCulture), "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(target, RunCheckpoints.LoadForResume(outDir)!.Optimizer.State.Epoch);
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

    public void Dispose() => _dir.Dispose();
}
