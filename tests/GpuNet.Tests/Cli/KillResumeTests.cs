namespace GpuNet.Tests.Cli;

/// <summary>
/// SIGKILL, which no program can catch, at random (seeded) instants of runs with checkpoints of megabytes:
/// after every kill the run directory resumes, and the run finished through all those kills ends with the
/// same bytes as one that was never interrupted.
/// </summary>
public sealed class KillResumeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    // 2-1024-1024-3: 1.05 M parameters, so model, best and optimizer files of 4.2 MB each, written every epoch
    // of 6 short steps: a good share of each epoch is spent writing the generation. The quick variant in the
    // default suite uses 2-256-256-3 (260 KB files) to stay within seconds.
    private static string[] Run(int epochs, string hidden) =>
        ["train", "--data", "spirals", "--samples", "400", "--hidden", hidden, "--batch-size", "64", "--epochs", epochs.ToString(),
         "--device", "cpu", "--quiet"];

    [Fact]
    public void Three_kills_leave_a_run_that_resumes_to_the_straight_runs_bytes() => KillAndResume(kills: 3, chains: 1, epochs: 4, hidden: "256,256", seed: 3);

    // The 30 kills fall on three runs killed side by side, 10 each: every process waits for a line and then
    // sleeps its random instant, so three at once keep both cores busy where one chain left them idle.
    [Fact]
    [Slow]
    public void Thirty_kills_at_random_instants_leave_a_run_that_resumes_to_the_straight_runs_bytes() => KillAndResume(kills: 30, chains: 3, epochs: 30, hidden: "1024,1024", seed: 30);

    private void KillAndResume(int kills, int chains, int epochs, string hidden, int seed)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("SIGKILL is a POSIX signal");
        var killed = Enumerable.Range(0, chains).Select(c => Path.Combine(_dir.Path, $"killed-{c}")).ToList();
        // Kills that caught a generation being written (its staged or temporary files were left).
        var midWrite = new int[chains];
        Parallel.For(0, chains, new ParallelOptions { MaxDegreeOfParallelism = chains },
            c => midWrite[c] = KillRepeatedly(killed[c], kills / chains, epochs, hidden, new Random(seed + c)));
        int caught = midWrite.Sum();
        // Random instants can all miss the writes (a clean-clone CI run's 30 did once): up to three more chains, each
        // resumed and compared below like the others, until one kill lands mid-write.
        for (int extra = 0; kills >= 10 && caught == 0 && extra < 3; extra++)
        {
            string more = Path.Combine(_dir.Path, $"killed-extra-{extra}");
            killed.Add(more);
            caught += KillRepeatedly(more, kills / chains, epochs, hidden, new Random(seed + chains + extra));
        }
        if (kills >= 10) Assert.True(caught > 0, "no kill landed while a generation was being written: the test did not test that");

        string straight = Path.Combine(_dir.Path, "straight");
        var once = CliRun.Of([.. Run(epochs, hidden), "--out", straight]);
        Assert.True(once.ExitCode == 0, once.ToString());
        foreach (string dir in killed)
        {
            var finished = CliRun.Of("train", "--resume", dir, "--quiet");
            Assert.True(finished.ExitCode == 0, finished.ToString());
            foreach (var file in new[] { RunCheckpoints.LastFile, RunCheckpoints.OptimizerFile, RunCheckpoints.BestFile })
                Assert.True(File.ReadAllBytes(Path.Combine(straight, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, file))), $"{dir}: {file} differs");
            Assert.Equal(File.ReadAllLines(Path.Combine(straight, "metrics.csv")).Length, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);
            Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".tmp", StringComparison.Ordinal) || f.EndsWith(".staged", StringComparison.Ordinal));
        }
    }

    /// <summary>Starts or resumes the run in <paramref name="killed"/> and SIGKILLs it at a random instant, <paramref name="kills"/> times; returns how many kills caught a write.</summary>
    private static int KillRepeatedly(string killed, int kills, int epochs, string hidden, Random random)
    {
        int midWrite = 0;
        for (int k = 0; k < kills; k++)
        {
            string[] args = k == 0 || !File.Exists(Path.Combine(killed, "run.json")) ? [.. Run(epochs, hidden), "--out", killed] : ["train", "--resume", killed, "--quiet"];
            using var child = GpunetProcess.Start(args);
            // Kill within the epoch after the first line of one: the line is printed just before its generation is written.
            if (!child.WaitForLine("epoch ", TimeSpan.FromSeconds(120)))
            {
                int exit = child.WaitForExit(TimeSpan.FromSeconds(60));
                Assert.True(exit == 0, $"kill {k}: gpunet ended with {exit} before an epoch:\n{child.Output}");
                break; // the run is complete
            }
            Thread.Sleep(random.Next(0, 400)); // the random instant, not a synchronisation
            child.Signal(GpunetProcess.SigKill);
            child.WaitForExit(TimeSpan.FromSeconds(60));

            if (Directory.GetFiles(killed).Any(f => f.EndsWith(".staged", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal))) midWrite++;
            var point = RunCheckpoints.LoadForResume(killed); // what the next run will find: never an error
            Assert.True(point is null || point.Optimizer.State.EpochComplete, $"kill {k}: a SIGKILL cannot save a mid-epoch state");
        }
        return midWrite;
    }

    public void Dispose() => _dir.Dispose();
}
