namespace GpuNet.Tests.TestSupport;

/// <summary>
/// Open MPI's launcher for the distributed tests. Without it they skip, unless GPUNET_REQUIRE_MPI=1 (CI installs
/// openmpi-bin and sets it, so the distributed path cannot silently stop running).
/// </summary>
public static class Mpi
{
    /// <summary>The path of mpirun; skips (or fails, under GPUNET_REQUIRE_MPI=1) the test when there is none.</summary>
    public static string Require()
    {
        if (Find() is { } found) return found;
        if (Environment.GetEnvironmentVariable("GPUNET_REQUIRE_MPI") == "1")
            Assert.Fail("mpirun is not on the PATH, and GPUNET_REQUIRE_MPI=1 (apt-get install openmpi-bin)");
        Assert.Skip("mpirun is not on the PATH (apt-get install openmpi-bin to run the distributed tests)");
        return null!;
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "mpirun")).FirstOrDefault(File.Exists);
}
