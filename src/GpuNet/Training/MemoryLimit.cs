using System.Globalization;

namespace GpuNet.Training;

/// <summary>The memory a run may use, and where that figure came from (said in the run's header when training streams).</summary>
public sealed record MemoryLimit(long Bytes, string Source)
{
    /// <summary>
    /// The host memory this process may use: the cgroup limit of the process (v2 <c>memory.max</c>, else v1
    /// <c>memory.limit_in_bytes</c>), else <c>MemAvailable</c> of /proc/meminfo, else what the runtime reports.
    /// </summary>
    public static MemoryLimit Host()
    {
        if (CgroupLimit() is { } cgroup) return cgroup;
        if (MemAvailable() is { } available) return new MemoryLimit(available, "MemAvailable in /proc/meminfo");
        return new MemoryLimit(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "the memory the runtime reports");
    }

    /// <summary>
    /// The limit of the cgroup this process is in (its path from /proc/self/cgroup, below the usual mounts), or null when it
    /// has none. v1 reports "no limit" as a huge number (a page-rounded long.MaxValue), v2 as "max".
    /// </summary>
    private static MemoryLimit? CgroupLimit()
    {
        foreach (var (file, version) in CgroupFiles())
        {
            string? text = ReadFirstLine(file);
            if (text is null || text == "max") continue;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) && bytes < long.MaxValue / 2)
                return new MemoryLimit(bytes, $"cgroup {version} {file}");
        }
        return null;
    }

    private static IEnumerable<(string File, string Version)> CgroupFiles()
    {
        string? v2 = null, v1 = null;
        foreach (string line in ReadLines("/proc/self/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            if (parts[0] == "0" && parts[1].Length == 0) v2 = parts[2];
            else if (parts[1].Split(',').Contains("memory")) v1 = parts[2];
        }
        if (v2 is not null) yield return (Path.Join("/sys/fs/cgroup", v2, "memory.max"), "v2");
        if (v1 is not null) yield return (Path.Join("/sys/fs/cgroup/memory", v1, "memory.limit_in_bytes"), "v1");
        // Inside a container the cgroup's own directory is usually mounted as the root.
        yield return ("/sys/fs/cgroup/memory.max", "v2");
        yield return ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "v1");
    }

    private static long? MemAvailable()
    {
        foreach (string line in ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
                return kib * 1024;
        return null;
    }

    private static string? ReadFirstLine(string path) => ReadLines(path).FirstOrDefault()?.Trim();

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
