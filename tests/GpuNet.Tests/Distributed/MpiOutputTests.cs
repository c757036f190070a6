namespace GpuNet.Tests.Distributed;

/// <summary>
/// mpirun gives every rank a pseudo-terminal, whatever mpirun's own output is. Output sent to a file or a pipe must
/// still be plain: no progress-bar escapes, no lines wrapped at the pty's 80 columns, no keypad-mode sequence from
/// .NET's console set-up (ESC[?1h ESC=), with or without --quiet.
/// </summary>
public sealed class MpiOutputTests
{
    [Slow]
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Output_under_mpirun_is_plain_lines(bool quiet)
    {
        string[] args = ["train", "--data", "xor", "--samples", "2000", "--hidden", "8", "--epochs", "3", "--device", "cpu"];
        using var job = GpunetProcess.UnderMpirun(2, quiet ? [.. args, "--quiet"] : args);
        int exit = job.WaitForExit(TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, $"exit {exit}:\n{job.Output}");
        Assert.DoesNotContain('\u001b', job.Output);
        Assert.DoesNotContain('\r', job.Output);
        // The header's longest lines stay whole (a pty without a size wraps them at 80 columns).
        Assert.Contains("\nfeatures: raw values, not standardized (--standardize auto: off for IDX images and synthetic sets)\n", "\n" + job.Output + "\n");
        Assert.Equal(3, job.Output.Split('\n').Count(l => l.StartsWith("epoch ", StringComparison.Ordinal)));
        Assert.Single(job.Output.Split('\n'), l => l.StartsWith("done: test accuracy", StringComparison.Ordinal));
    }
}
