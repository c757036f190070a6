using GpuNet.Distributed;

namespace GpuNet.Tests.Distributed;

/// <summary>
/// Ranks started with different options (an MPMD mpirun command line) are refused on every rank: they used to train
/// side by side, averaging gradients of different runs.
/// </summary>
public sealed class RankAgreementTests
{
    [Fact]
    public void Different_settings_are_refused_on_every_rank_and_the_same_pass()
    {
        using var ranks = new ThreadRanks(3);
        using var backend = new GpuNet.Backends.Cpu.CpuBackend();

        var same = ranks.Run(rank => Outcome(ranks.Rank(rank, backend), "--lr 0.1"));
        var different = ranks.Run(rank => Outcome(ranks.Rank(rank, backend), rank == 2 ? "--lr 0.2" : "--lr 0.1"));

        Assert.All(same, Assert.Null);
        Assert.All(different, message => Assert.Contains("the ranks were started with different options", message));
    }

    [Slow]
    [Fact]
    public void An_mpmd_launch_with_different_options_exits_2_on_every_rank()
    {
        string gpunet = Path.Combine(AppContext.BaseDirectory, "gpunet.dll");
        string[] common = ["--data", "blobs", "--model", "logistic", "--epochs", "1", "--device", "cpu", "--quiet"];
        using var job = GpunetProcess.UnderMpirun(1, ["train", .. common, "--lr", "0.1", ":", "-np", "1", "dotnet", gpunet, "train", .. common, "--lr", "0.2"]);

        int exit = job.WaitForExit(TimeSpan.FromSeconds(120));

        Assert.True(exit == 2, $"exit {exit}:\n{job.Output}");
        Assert.Contains("rank 0 of 2: the ranks were started with different options", job.Output);
        Assert.Contains("rank 1 of 2: the ranks were started with different options", job.Output);
    }

    [Slow]
    [Fact]
    public void An_mpmd_sweep_with_different_models_exits_2_on_every_rank()
    {
        string gpunet = Path.Combine(AppContext.BaseDirectory, "gpunet.dll");
        using var dir = new TempDirectory();
        string[] common = ["--data", "blobs", "--model", "logistic", "--epochs", "1", "--device", "cpu", "--quiet", "--out", Path.Combine(dir.Path, "sweep")];
        using var job = GpunetProcess.UnderMpirun(1, ["sweep", .. common, "--lr", "0.1,0.3", ":", "-np", "1", "dotnet", gpunet, "sweep", .. common, "--lr", "0.2,0.3"]);

        int exit = job.WaitForExit(TimeSpan.FromSeconds(120));

        Assert.True(exit == 2, $"exit {exit}:\n{job.Output}");
        Assert.Contains("rank 0 of 2: the ranks were started with different models", job.Output);
        Assert.Contains("rank 1 of 2: the ranks were started with different models", job.Output);
        Assert.False(File.Exists(Path.Combine(dir.Path, "sweep", "sweep.json")));
    }

    private static string? Outcome(ICollective collective, string settings)
    {
        try
        {
            collective.RequireSame(settings, "options");
            return null;
        }
        catch (UsageException e)
        {
            return e.Message;
        }
    }
}
