using GpuNet.Distributed;

namespace GpuNet.Tests.Distributed;

public sealed class LaunchEnvironmentTests
{
    private static Func<string, string?> Variables(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Open_mpi_s_variables_give_size_rank_and_local_rank()
    {
        var launch = LaunchEnvironment.Detect(Variables(("OMPI_COMM_WORLD_SIZE", "4"), ("OMPI_COMM_WORLD_RANK", "3"), ("OMPI_COMM_WORLD_LOCAL_RANK", "1")));
        Assert.Equal(new LaunchEnvironment(4, 3, 1), launch);
    }

    [Fact]
    public void Pmi_launchers_are_read_when_open_mpi_s_variables_are_absent()
    {
        var launch = LaunchEnvironment.Detect(Variables(("PMI_SIZE", "2"), ("PMI_RANK", "1")));
        Assert.Equal(new LaunchEnvironment(2, 1, 1), launch); // no local rank given: the rank stands in
    }

    [Fact]
    public void No_launcher_or_a_job_of_one_is_a_single_process()
    {
        Assert.Null(LaunchEnvironment.Detect(Variables()));
        Assert.Null(LaunchEnvironment.Detect(Variables(("OMPI_COMM_WORLD_SIZE", "1"), ("OMPI_COMM_WORLD_RANK", "0"))));
        Assert.Null(Collectives.Launch(DistributedMode.Off, Variables(("OMPI_COMM_WORLD_SIZE", "2"), ("OMPI_COMM_WORLD_RANK", "0"))));
    }

    [Theory]
    [InlineData("two", "0")]
    [InlineData("2", "2")]
    public void Variables_that_describe_no_rank_are_an_error_naming_them(string size, string rank)
    {
        var e = Assert.Throws<GpuNetException>(() => LaunchEnvironment.Detect(Variables(("OMPI_COMM_WORLD_SIZE", size), ("OMPI_COMM_WORLD_RANK", rank))));
        Assert.Contains("OMPI_COMM_WORLD_", e.Message);
    }

    [Fact]
    public void Asking_for_distribution_without_a_launcher_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => Collectives.Launch(DistributedMode.On, Variables()));
        var run = CliRun.Of("train", "--data", "xor", "--distributed", "on");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--distributed", run.Stderr);
        Assert.Contains("mpirun", run.Stderr);
    }
}
