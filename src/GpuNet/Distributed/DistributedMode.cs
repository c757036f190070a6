namespace GpuNet.Distributed;

/// <summary>Whether a run may span several processes.</summary>
public enum DistributedMode
{
    /// <summary>Data-parallel when an MPI launcher started the process (see <see cref="LaunchEnvironment"/>), one process otherwise.</summary>
    Auto,
    /// <summary>One process, even under an MPI launcher.</summary>
    Off,
    /// <summary>Data-parallel, and an error when no MPI launcher started the process.</summary>
    On,
}
