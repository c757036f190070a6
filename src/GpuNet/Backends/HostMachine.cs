namespace GpuNet.Backends;

/// <summary>What the host CPU is called and how much memory it has, for device listings.</summary>
public static class HostMachine
{
    public static long MemoryBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The "model name" line of /proc/cpuinfo, or "CPU" where there is none.</summary>
    public static string CpuName { get; } = ReadCpuName();

    private static string ReadCpuName()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var colon and >= 0)
                    return line[(colon + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return "CPU";
    }
}
