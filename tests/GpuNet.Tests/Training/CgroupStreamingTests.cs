using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GpuNet.Tests.Training;

/// <summary>
/// The issue's target: a 1.2 GB uint8 .npy training set (1.5M rows of 800 bytes) trains one epoch inside a 500 MB memory
/// cgroup, streaming, and learns. Needs root and a memory controller (cgroup v1 at /sys/fs/cgroup/memory, or v2); skips
/// otherwise. The run's own figures (peak memory of the cgroup, time, accuracy) go to the test output.
/// </summary>
public sealed class CgroupStreamingTests(ITestOutputHelper output)
{
    private const int Rows = 1_500_000, Columns = 800, Classes = 10;
    private const long Limit = 500L << 20;

    [Fact]
    [Slow]
    public async Task A_1_2_GB_npy_set_trains_an_epoch_inside_a_500_MB_cgroup_and_learns()
    {
        string? cgroup = CreateCgroup(out string? why);
        Assert.SkipWhen(cgroup is null, why ?? "");
        using var dir = new TempDirectory();
        try
        {
            var (x, y) = Write(dir);
            string gpunet = Path.Combine(AppContext.BaseDirectory, "gpunet.dll");
            // The wrapper joins the cgroup, then becomes gpunet: the limit holds from its first byte.
            var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "-c", $"echo $$ > '{cgroup}/cgroup.procs' && exec dotnet '{gpunet}' train --data '{x}' --labels '{y}' --epochs 1 --device cpu --model softmax --quiet" })
                start.ArgumentList.Add(arg);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderrRead = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            string text = await stdout, stderr = await stderrRead;
            output.WriteLine(text + stderr);
            output.WriteLine($"wall {clock.Elapsed.TotalSeconds:F1} s, peak memory of the cgroup {Peak(cgroup!) / (1 << 20)} MiB");
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {text}{stderr}");
            Assert.Contains("streaming: the training features", text);
            var accuracy = System.Text.RegularExpressions.Regex.Match(text, @"done: test accuracy ([\d.]+)%");
            Assert.True(accuracy.Success, text);
            Assert.True(double.Parse(accuracy.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 50, $"chance is 10%: {text}");
        }
        finally
        {
            Directory.Delete(cgroup!); // empty again: its only process has exited
        }
    }

    /// <summary>
    /// Writes the file to disk and drops its pages from the page cache: pages this process wrote are charged to its own
    /// cgroup, so without this the run would read them for free; now every page it reads is charged against the limit.
    /// </summary>
    private static void Evict(FileStream stream)
    {
        stream.Flush(flushToDisk: true);
        Assert.Equal(0, posix_fadvise((int)stream.SafeFileHandle.DangerousGetHandle(), 0, 0, PosixFadvDontNeed));
    }

    private const int PosixFadvDontNeed = 4;

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_fadvise(int fd, long offset, long length, int advice);

    /// <summary>Features: noise in 0..127 with the label's own 80 columns raised by 100, so a linear model separates the classes.</summary>
    private static (string Features, string Labels) Write(TempDirectory dir)
    {
        string x = Path.Combine(dir.Path, "x.npy"), y = Path.Combine(dir.Path, "y.npy");
        var random = new Random(1);
        var noise = new byte[1 << 20];
        random.NextBytes(noise);
        for (int i = 0; i < noise.Length; i++) noise[i] &= 127;
        var labels = new byte[Rows];
        using (var stream = new FileStream(x, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(NpyHeader.Format(NpyType.U1, [Rows, Columns]));
            var row = new byte[Columns];
            for (int r = 0; r < Rows; r++)
            {
                int label = random.Next(Classes);
                labels[r] = (byte)label;
                noise.AsSpan(random.Next(noise.Length - Columns), Columns).CopyTo(row);
                for (int c = label * 80; c < label * 80 + 80; c++) row[c] += 100;
                stream.Write(row);
            }
            Evict(stream);
        }
        using (var stream = new FileStream(y, FileMode.Create, FileAccess.Write))
        {
            stream.Write(NpyHeader.Format(NpyType.U1, [Rows]));
            stream.Write(labels);
            Evict(stream);
        }
        return (x, y);
    }

    /// <summary>A new memory cgroup limited to 500 MB, or null with the reason none can be made here.</summary>
    private static string? CreateCgroup(out string? why)
    {
        why = null;
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            why = "needs root on Linux to create a memory cgroup";
            return null;
        }
        string name = "gpunet-stream-" + Guid.NewGuid().ToString("N")[..8];
        var (root, limitFile) = Directory.Exists("/sys/fs/cgroup/memory") ? ("/sys/fs/cgroup/memory", "memory.limit_in_bytes")
            : File.Exists("/sys/fs/cgroup/cgroup.controllers") && File.ReadAllText("/sys/fs/cgroup/cgroup.controllers").Contains("memory", StringComparison.Ordinal) ? ("/sys/fs/cgroup", "memory.max")
            : (null, null);
        if (root is null)
        {
            why = "no cgroup memory controller (v1 at /sys/fs/cgroup/memory, or v2) here";
            return null;
        }
        string path = Path.Combine(root, name);
        try
        {
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, limitFile!), Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = $"cannot create a memory cgroup at {path}: {e.Message}";
            if (Directory.Exists(path)) Directory.Delete(path);
            return null;
        }
    }

    /// <summary>The cgroup's peak charge (v1 memory.max_usage_in_bytes, v2 memory.peak), or −1 where it keeps none.</summary>
    private static long Peak(string cgroup)
    {
        foreach (string file in new[] { "memory.max_usage_in_bytes", "memory.peak" })
            if (File.Exists(Path.Combine(cgroup, file)))
                return long.Parse(File.ReadAllText(Path.Combine(cgroup, file)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return -1;
    }
}
