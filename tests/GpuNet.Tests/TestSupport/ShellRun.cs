using System.Diagnostics;

namespace GpuNet.Tests.TestSupport;

/// <summary>A command line run by bash, as a user types it: its exit code and what it printed.</summary>
public static class ShellRun
{
    /// <param name="path">Folders put first on PATH (where a test installed or wrapped gpunet).</param>
    public static CliRun Of(string command, string workingDirectory, TimeSpan timeout, params string[] path)
    {
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = string.Join(Path.PathSeparator, [.. path, Environment.GetEnvironmentVariable("PATH") ?? ""]);
        // Open MPI refuses root without both (CI runs as root); harmless otherwise.
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CliRun(-1, stdout.Result, stderr.Result + $"\n(killed after {timeout})");
        }
        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
