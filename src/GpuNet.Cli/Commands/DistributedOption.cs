using GpuNet.Distributed;

namespace GpuNet.Cli.Commands;

/// <summary>--distributed of train, eval and bench: data-parallel over the ranks of an MPI launch (see README "More than one process").</summary>
public static class DistributedOption
{
    public static Option<string> Create() => new Option<string>("--distributed")
    {
        Description = "auto: data-parallel when started by mpirun (one process otherwise); off: one process even under mpirun; on: like auto, but an error without mpirun",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("auto", "off", "on");

    public static DistributedMode Read(string value) => Enum.Parse<DistributedMode>(value, ignoreCase: true);

    /// <summary>
    /// The device a rank opens: under a launch, a bare <c>cuda</c> means the GPU of the rank's local rank, one GPU
    /// per rank (cuda:0 for local rank 0, cuda:1 for local rank 1, …); anything else is taken as given.
    /// </summary>
    public static string DeviceFor(string device, LaunchEnvironment? launch) =>
        launch is not null && device.Trim().Equals("cuda", StringComparison.OrdinalIgnoreCase) ? $"cuda:{launch.LocalRank}" : device;

    /// <summary>
    /// Joins the launch's collective (<see cref="Collectives.Join"/>; one process without a launch) and hands
    /// <paramref name="note"/> the run's header line and any notice about the path taken, as train, eval and bench print them.
    /// </summary>
    public static ICollective Join(LaunchEnvironment? launch, IBackend backend, DeviceBuffer<float> gradients, Action<string> note)
    {
        var collective = Collectives.Join(launch, backend, gradients, out var notice);
        if (collective.Size > 1) note($"distributed: {collective.Description}");
        if (notice is not null) note(notice);
        return collective;
    }
}
