namespace GpuNet.Tests.Distributed;

/// <summary>
/// gpunet sweep under mpirun: the ranks share out the models (no gradient is reduced), each model ends with the bytes
/// a single-process sweep gives it, and rank 0 writes results that hold every rank's models. [Slow]: mpirun's start-up.
/// </summary>
public sealed class SweepMpiTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static string[] Sweep(string dir) =>
        ["sweep", "--data", "blobs", "--samples", "400", "--classes", "3", "--epochs", "3", "--batch-size", "32", "--hidden", "8",
         "--lr", "0.1,0.05,1e30,0.02", "--device", "cpu", "--quiet", "--out", dir];

    private static JsonElement[] Models(string dir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "sweep.json"))).RootElement.GetProperty("models").EnumerateArray().ToArray();

    [Slow]
    [Fact]
    public void Two_ranks_train_the_models_of_one_process_and_rank_zero_writes_them_all()
    {
        string single = Path.Combine(_dir.Path, "single"), ranks = Path.Combine(_dir.Path, "ranks");
        var once = CliRun.Of(Sweep(single));
        Assert.True(once.ExitCode == 0, once.ToString());
        using (var job = GpunetProcess.UnderMpirun(2, Sweep(ranks)))
        {
            int exit = job.WaitForExit(TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, $"exit {exit}:\n{job.Output}");
            Assert.Contains("trained together in packs on each of 2 ranks", job.Output);
            Assert.Contains("model 000 (--hidden 8 --lr 0.1) epoch 1/3", job.Output);      // rank 0's model, shown live
            Assert.DoesNotContain("model 001 (--hidden 8 --lr 0.05) epoch 1/3", job.Output); // rank 1's, trained quietly
        }
        var expected = Models(single);
        var actual = Models(ranks);
        Assert.Equal(expected.Select(m => m.GetProperty("status").GetString()), actual.Select(m => m.GetProperty("status").GetString()));
        Assert.Equal(["done", "done", "diverged", "done"], actual.Select(m => m.GetProperty("status").GetString()));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].GetProperty("best").GetRawText(), actual[i].GetProperty("best").GetRawText());
            string model = expected[i].GetProperty("model").GetString()!;
            if (i == 2) continue; // diverged in its first epoch: no checkpoint
            Assert.Equal(File.ReadAllBytes(Path.Combine(single, "models", model, RunCheckpoints.LastFile)), File.ReadAllBytes(Path.Combine(ranks, "models", model, RunCheckpoints.LastFile)));
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(single, "best", RunCheckpoints.BestFile)), File.ReadAllBytes(Path.Combine(ranks, "best", RunCheckpoints.BestFile)));
    }

    public void Dispose() => _dir.Dispose();
}
