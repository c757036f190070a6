using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GpuNet.Tests.TestSupport;

/// <summary>
/// gpunet as a child process, as a user or a job scheduler runs it: its output lines are collected as they
/// come, so a test can wait for an observable event (an epoch line) before it sends a signal.
/// </summary>
public sealed class GpunetProcess : IDisposable
{
    public const int SigHup = 1, SigInt = 2, SigKill = 9, SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    // A monitor, not a SemaphoreSlim: the output callbacks run on the thread pool and may still fire after
    // Dispose (Process.Dispose cancels the readers, which then deliver their end-of-stream), and an exception
    // thrown from one (ObjectDisposedException on a disposed semaphore) is rethrown on a new thread, which
    // aborts the whole test host (exit 134). A lock object has nothing to dispose.
    private readonly object _lineArrived = new();
    private readonly TaskCompletionSource _stdoutClosed = new(), _stderrClosed = new();

    /// <summary>
    /// Starts gpunet through env(1) with the signals' default actions restored: a test host started from a
    /// non-interactive shell may ignore SIGINT, children inherit that, and .NET honours it.
    /// </summary>
    public GpunetProcess(string? stdin, params string[] args) : this(stdin, [], args) { }

    /// <param name="launcher">What runs gpunet (mpirun and its options), or nothing to run it directly.</param>
    private GpunetProcess(string? stdin, IEnumerable<string> launcher, string[] args)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false };
        start.ArgumentList.Add("--default-signal=INT,TERM,HUP");
        foreach (var arg in launcher) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gpunet.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Open MPI refuses root without both (CI runs as root); harmless otherwise.
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Receive(e.Data, "", _stdoutClosed);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data, "stderr: ", _stderrClosed);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (stdin is not null)
        {
            _process.StandardInput.Write(stdin);
            _process.StandardInput.Close();
        }
    }

    public static GpunetProcess Start(params string[] args) => new(null, args);

    /// <summary>gpunet as <paramref name="ranks"/> ranks of <c>mpirun --oversubscribe</c> (see <see cref="Mpi.Require"/>); <see cref="Id"/> is mpirun's.</summary>
    public static GpunetProcess UnderMpirun(int ranks, params string[] args) =>
        new(null, [Mpi.Require(), "--oversubscribe", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture)], args);

    /// <summary>The process id of rank <paramref name="rank"/> of an <see cref="UnderMpirun"/> job: mpirun's child whose environment names that rank.</summary>
    public int RankProcessId(int rank)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                try
                {
                    // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    int ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                    if (ppid != Id) continue;
                    var environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                    if (environment.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
                }
                catch (IOException) { } // the process ended while we looked
                catch (UnauthorizedAccessException) { }
            }
            Thread.Sleep(200);
        }
        throw new InvalidOperationException($"no rank {rank} under mpirun {Id}:\n{Output}");
    }

    public static void SignalProcess(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Everything printed so far, stdout lines as they are and stderr lines prefixed "stderr: ".</summary>
    public string Output => string.Join("\n", _lines);

    /// <summary>Waits until a line starting with <paramref name="prefix"/> has been printed; false when the process ended first or time ran out.</summary>
    public bool WaitForLine(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lineArrived)
            {
                if (_lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal))) return true;
                if (_stdoutClosed.Task.IsCompleted || DateTime.UtcNow > deadline) return false;
                Monitor.Wait(_lineArrived, TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0 && !_process.HasExited)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the process to end and its output to be read; returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"gpunet did not end within {timeout}:\n{Output}");
        Task.WaitAll([_stdoutClosed.Task, _stderrClosed.Task], timeout);
        return _process.ExitCode;
    }

    private void Receive(string? line, string prefix, TaskCompletionSource closed)
    {
        lock (_lineArrived)
        {
            if (line is not null) _lines.Enqueue(prefix + line);
            Monitor.PulseAll(_lineArrived);
        }
        if (line is null) closed.TrySetResult(); // last: once both streams are closed, no callback is left to run
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
