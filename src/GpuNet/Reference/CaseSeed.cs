namespace GpuNet.Reference;

/// <summary>
/// The seed of an op case's random data, from the case's fields, the same in every process (FNV-1a over the fields).
/// <see cref="HashCode.Combine{T1, T2}(T1, T2)"/> is seeded per process, so data it drew for a failing case could not be drawn again.
/// </summary>
public static class CaseSeed
{
    public static int Of(params ReadOnlySpan<int> fields)
    {
        uint hash = 2166136261;
        foreach (int field in fields) hash = (hash ^ (uint)field) * 16777619;
        return (int)(hash & int.MaxValue);
    }

    public static int Flag(bool value) => value ? 1 : 0;
}
