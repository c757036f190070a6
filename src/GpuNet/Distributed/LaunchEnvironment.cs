using System.Globalization;

namespace GpuNet.Distributed;

/// <summary>
/// Where an MPI launcher placed this process: world size, rank and rank on this host, as Open MPI's mpirun
/// (OMPI_COMM_WORLD_*) or a PMI launcher such as MPICH's Hydra or Slurm (PMI_SIZE, PMI_RANK, MPI_LOCALRANKID)
/// exports them. Read before MPI is loaded, so a plain run never touches libmpi.
/// </summary>
public sealed record LaunchEnvironment(int Size, int Rank, int LocalRank)
{
    /// <summary>The launch this process is part of, or null when no launcher set the variables (or set a size of 1).</summary>
    public static LaunchEnvironment? Detect(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        foreach (var (size, rank, local) in new[] { ("OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK"), ("PMI_SIZE", "PMI_RANK", "MPI_LOCALRANKID") })
        {
            if (Number(read(size), size) is not { } n) continue;
            int r = Number(read(rank), rank) ?? 0;
            if (n < 1 || r < 0 || r >= n) throw new GpuNetException($"the MPI launcher set {size}={n} and {rank}={r}, which do not describe a rank of the job");
            return n == 1 ? null : new LaunchEnvironment(n, r, Number(read(local), local) ?? r);
        }
        return null;
    }

    private static int? Number(string? text, string name) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value
        : throw new GpuNetException($"the MPI launcher set {name} to '{text}', which is not a number");
}
