namespace GpuNet.Tests.TestSupport;

/// <summary>The checkout the tests were built from: its scripts and README are under test too.</summary>
public static class Repository
{
    /// <summary>The folder holding GpuNet.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GpuNet.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no GpuNet.sln above {AppContext.BaseDirectory}");
    }
}
