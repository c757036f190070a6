namespace GpuNet.Tests.Cli;

/// <summary>
/// A sweep stopped by SIGKILL (nothing saved at the signal) or SIGINT (the models in progress save their step)
/// resumes with <c>sweep --resume</c>: the models, trained together in one pack, continue from their checkpoints, and
/// every model ends with the bytes of a sweep that was never stopped.
/// </summary>
public sealed class SweepResumeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    // 3 models of 2-128-3 on 150,000 spiral points, 4 epochs of 3,375 steps, trained as one pack: the signal lands after
    // the first epoch, with three epochs to go. With 135-step epochs the rest of a sweep took less time than the test
    // host, busy with other tests, took to see the line and signal, and in one CI run the sweep finished first (exit 0).
    private static string[] Sweep(string dir) =>
        ["sweep", "--data", "spirals", "--samples", "150000", "--hidden", "128", "--batch-size", "32", "--epochs", "4", "--lr", "0.1,0.05,0.02",
         "--dropout", "0.1", "--device", "cpu", "--quiet", "--out", dir];

    private static readonly string[] Files = [RunCheckpoints.LastFile, RunCheckpoints.BestFile, RunCheckpoints.OptimizerFile];

    /// <summary>
    /// The figures the weights determine, epoch by epoch: the evaluations and the learning rate. Timings differ between
    /// sittings, and so does the training loss of an epoch resumed mid-way (measured over its remaining steps, as train's).
    /// </summary>
    private static string[] Evaluations(string metricsCsv) =>
        File.ReadAllLines(metricsCsv).Select(line => line.Split(',')).Select(c => string.Join(",", c[0], c[3], c[4], c[5], c[6], c[7])).ToArray();

    private static readonly string[] EvaluationFields = ["epoch", "val_loss", "val_accuracy", "test_loss", "test_accuracy"];

    private static string Evaluations(JsonElement history) =>
        string.Join(";", history.EnumerateArray().Select(e => string.Join(",", EvaluationFields.Select(p => e.GetProperty(p).GetRawText()))));

    [Slow]
    [Theory]
    [InlineData(GpunetProcess.SigKill)]
    [InlineData(GpunetProcess.SigInt)]
    public void A_stopped_sweep_resumes_to_the_bytes_of_one_never_stopped(int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("stop signals are POSIX signals");
        string straight = Path.Combine(_dir.Path, "straight"), stopped = Path.Combine(_dir.Path, "stopped");
        var once = CliRun.Of(Sweep(straight));
        Assert.True(once.ExitCode == 0, once.ToString());

        using (var child = GpunetProcess.Start(Sweep(stopped)))
        {
            // After the pack's first epoch: every model has a checkpoint, none is done.
            Assert.True(child.WaitForLine("model 002 (--hidden 128 --lr 0.02 --dropout 0.1) epoch 1/4", TimeSpan.FromSeconds(120)), child.Output);
            child.Signal(signal);
            int exit = child.WaitForExit(TimeSpan.FromSeconds(60));
            if (signal == GpunetProcess.SigInt)
            {
                Assert.True(exit == 130, $"exit {exit}:\n{child.Output}");
                Assert.Contains("continue with: gpunet sweep --resume", child.Output);
            }
        }
        var partial = JsonDocument.Parse(File.ReadAllText(Path.Combine(stopped, "sweep.json"))).RootElement;
        Assert.All(partial.GetProperty("models").EnumerateArray(), m => Assert.NotEqual("done", m.GetProperty("status").GetString()));

        var resumed = CliRun.Of("sweep", "--resume", stopped, "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("model 000 (--hidden 128 --lr 0.1 --dropout 0.1): resuming after epoch", resumed.Stdout);
        Assert.Contains("model 002 (--hidden 128 --lr 0.02 --dropout 0.1): resuming after epoch", resumed.Stdout);
        Assert.DoesNotContain("model 000 (--hidden 128 --lr 0.1 --dropout 0.1) epoch 1/4", resumed.Stdout); // finished epochs are not trained again
        foreach (var model in new[] { "000", "001", "002" })
        {
            foreach (var file in Files)
                Assert.True(File.ReadAllBytes(Path.Combine(straight, "models", model, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(stopped, "models", model, file))),
                    $"models/{model}/{file} differs after the resume:\n{resumed}");
            Assert.Equal(Evaluations(Path.Combine(straight, "models", model, "metrics.csv")), Evaluations(Path.Combine(stopped, "models", model, "metrics.csv")));
        }
        var before = JsonDocument.Parse(File.ReadAllText(Path.Combine(straight, "sweep.json"))).RootElement;
        var after = JsonDocument.Parse(File.ReadAllText(Path.Combine(stopped, "sweep.json"))).RootElement;
        Assert.Equal(before.GetProperty("best").GetString(), after.GetProperty("best").GetString());
        for (int i = 0; i < 3; i++)
            Assert.Equal(Evaluations(before.GetProperty("models")[i].GetProperty("history")), Evaluations(after.GetProperty("models")[i].GetProperty("history")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "best", RunCheckpoints.BestFile)), File.ReadAllBytes(Path.Combine(stopped, "best", RunCheckpoints.BestFile)));
    }

    public void Dispose() => _dir.Dispose();
}
