using System.Runtime.CompilerServices;

namespace GpuNet.Backends;

/// <summary>
/// The pack ops' one argument rule on every backend: ranges, step rows and buffer lengths are checked on the host before
/// anything runs or is enqueued (a kernel cannot throw, and the cpu backend must not stop half-way through a pack).
/// </summary>
internal static class PackChecks
{
    public static void BiasActivation(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float>? dropped, DeviceBuffer<float> bias,
        int firstFeature, int features, int rows, int stepRow)
    {
        long end = FeatureRange(pack, firstFeature, features, rows, stepRow);
        Holds(outputs, end);
        if (dropped is not null) Holds(dropped, end);
        Holds(bias, (long)firstFeature + features);
    }

    public static void ActivationBackward(PackTables pack, DeviceBuffer<float> deltas, DeviceBuffer<float> outputs, int firstFeature, int features, int rows, int stepRow)
    {
        long end = FeatureRange(pack, firstFeature, features, rows, stepRow);
        Holds(deltas, end);
        Holds(outputs, end);
    }

    public static void Loss(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float> deltas, DeviceBuffer<int> labels, int rows, int stepRow,
        DeviceBuffer<float> stats, int statsOffset, int statsStride)
    {
        long end = FeatureRange(pack, 0, pack.FeatureCount, rows, stepRow);
        if ((long)pack.MemberCount * rows > int.MaxValue)
            throw new ArgumentException($"{pack.MemberCount} members of {rows} rows exceed a 32-bit launch", nameof(rows));
        Holds(outputs, end);
        Holds(deltas, end);
        Holds(labels, rows);
        ArgumentOutOfRangeException.ThrowIfNegative(statsOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(statsStride);
        if (pack.MemberCount > 1 && statsStride < 2L * rows)
            throw new ArgumentOutOfRangeException(nameof(statsStride), statsStride, $"members' stats of {rows} rows overlap at a stride below {2L * rows}");
        Holds(stats, (long)(pack.MemberCount - 1) * statsStride + statsOffset + 2L * rows);
    }

    public static void ClipScale(PackTables pack, DeviceBuffer<float> gradients, DeviceBuffer<float> scales)
    {
        ArgumentNullException.ThrowIfNull(pack);
        Holds(gradients, pack.ParameterCount);
        Holds(scales, pack.MemberCount);
    }

    /// <summary>The states the uploaded steps use and clipping's scales when a member clips must be given; the rest may be null.</summary>
    public static void Update(PackTables pack, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? state1,
        DeviceBuffer<float>? state2, int stepRow, DeviceBuffer<float>? scales)
    {
        StepRow(pack, stepRow);
        Holds(parameters, pack.ParameterCount);
        Holds(gradients, pack.ParameterCount);
        Optional(state1, pack.UsesState1, pack.ParameterCount, "the pack's steps use it (momentum or Adam)");
        Optional(state2, pack.UsesState2, pack.ParameterCount, "the pack's steps use it (Adam)");
        Optional(scales, pack.Clips, pack.MemberCount, "a member clips its gradient");
    }

    /// <summary>A range of feature rows of <paramref name="rows"/> samples and a step row: returns the elements the arena needs, within a 32-bit launch.</summary>
    private static long FeatureRange(PackTables pack, int firstFeature, int features, int rows, int stepRow)
    {
        StepRow(pack, stepRow);
        ArgumentOutOfRangeException.ThrowIfNegative(firstFeature);
        ArgumentOutOfRangeException.ThrowIfNegative(features);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if ((long)firstFeature + features > pack.FeatureCount)
            throw new ArgumentOutOfRangeException(nameof(features), $"feature rows [{firstFeature}, {(long)firstFeature + features}) are not within the pack's {pack.FeatureCount}");
        long end = ((long)firstFeature + features) * rows;
        if (end > int.MaxValue)
            throw new ArgumentException($"{(long)firstFeature + features} feature rows of {rows} exceed a 32-bit launch", nameof(rows));
        return end;
    }

    private static void StepRow(PackTables pack, int stepRow)
    {
        ArgumentNullException.ThrowIfNull(pack);
        if (stepRow < 0 || stepRow >= pack.StepRows)
            throw new ArgumentOutOfRangeException(nameof(stepRow), stepRow, $"the pack holds the scalars of {pack.StepRows} steps");
    }

    private static void Optional(DeviceBuffer<float>? buffer, bool needed, long count, string why, [CallerArgumentExpression(nameof(buffer))] string? name = null)
    {
        if (buffer is not null) Holds(buffer, needed ? count : 0, name);
        else if (needed) throw new ArgumentNullException(name, $"{name} is needed: {why}");
    }

    private static void Holds<T>(DeviceBuffer<T> buffer, long count, [CallerArgumentExpression(nameof(buffer))] string? name = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer.Length < count)
            throw new ArgumentException($"{name} has {buffer.Length} elements but the op needs {count}", name);
    }
}
