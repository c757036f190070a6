using GpuNet.Kernels;
using ILGPU;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// The pack ops (IBackend.Pack), one launch each for the whole pack (<see cref="PackKernels"/>): feature rows and losses
/// one thread per element or row, the update one thread per parameter, clipping one group per member.
/// </summary>
public sealed partial class IlgpuBackend
{
    public void PackBiasActivation(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float>? dropped, DeviceBuffer<float> bias,
        int firstFeature, int features, int rows, int stepRow)
    {
        int end = PackChecks.FeatureRange(pack, firstFeature, features, rows, stepRow);
        var y = Need(outputs, end, nameof(outputs));
        var d = dropped is null ? _dummy : Need(dropped, end, nameof(dropped));
        var b = Need(bias, firstFeature + features, nameof(bias));
        var p = RowsParams(pack, firstFeature, rows, stepRow);
        p.Dropped = dropped is null ? 0 : 1;
        if (features > 0 && rows > 0)
            Launch(IlgpuKernels.PackBiasActivation)(_stream, features * rows, Table(pack.Features), Table(pack.Steps), y.View, d.View, b.View, p);
    }

    public void PackActivationBackward(PackTables pack, DeviceBuffer<float> deltas, DeviceBuffer<float> outputs, int firstFeature, int features, int rows, int stepRow)
    {
        int end = PackChecks.FeatureRange(pack, firstFeature, features, rows, stepRow);
        var d = Need(deltas, end, nameof(deltas));
        var y = Need(outputs, end, nameof(outputs));
        if (features > 0 && rows > 0)
            Launch(IlgpuKernels.PackActivationBackward)(_stream, features * rows, Table(pack.Features), Table(pack.Steps), d.View, y.View,
                RowsParams(pack, firstFeature, rows, stepRow));
    }

    public void PackLoss(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float> deltas, DeviceBuffer<int> labels, int rows, int stepRow,
        DeviceBuffer<float> stats, int statsOffset, int statsStride)
    {
        int end = PackChecks.Arena(pack, pack.FeatureCount, rows, stepRow);
        var z = Need(outputs, end, nameof(outputs));
        var d = Need(deltas, end, nameof(deltas));
        var l = Need(labels, rows, nameof(labels));
        var s = Need(stats, PackChecks.Stats(pack, rows, statsOffset, statsStride), nameof(stats));
        long threads = (long)pack.MemberCount * rows;
        if (threads > int.MaxValue)
            throw new ArgumentException($"{pack.MemberCount} members of {rows} rows exceed a 32-bit launch", nameof(rows));
        var p = new PackLossParams { Rows = rows, StepBase = stepRow * pack.MemberCount, StatsOffset = statsOffset, StatsStride = statsStride };
        if (rows > 0)
            Launch(IlgpuKernels.PackLoss)(_stream, (int)threads, Table(pack.Members), Table(pack.Steps), Table(pack.ClassWeights), z.View, d.View, l.View, s.View, p);
    }

    public void RowSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums)
    {
        var xv = Need(x, Elements(rows, cols), nameof(x));
        var sv = Need(sums, rows, nameof(sums));
        if (rows > 0)
            Launch(IlgpuKernels.RowSums)(_stream, rows, xv.View, sv.View, cols);
    }

    /// <summary>One launch, one group per member: groups of 256 threads where the device allows it, a power of two as the tree needs.</summary>
    public void PackClipScale(PackTables pack, DeviceBuffer<float> gradients, DeviceBuffer<float> scales)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var g = Need(gradients, pack.ParameterCount, nameof(gradients));
        var s = Need(scales, pack.MemberCount, nameof(scales));
        int width = IlgpuKernels.PackClipScale.Entry.GroupSizeFor(_accelerator.MaxNumThreadsPerGroup);
        if (!int.IsPow2(width))
            throw new NotSupportedException($"{Device.Id}: the clipping reduction needs a power-of-two group, and {width} threads is the most this device allows");
        Launch(IlgpuKernels.PackClipScale)(_stream, new KernelConfig(pack.MemberCount, width), Table(pack.Segments), Table(pack.Members), g.View, s.View);
    }

    public void PackUpdate(PackTables pack, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? state1,
        DeviceBuffer<float>? state2, int stepRow, DeviceBuffer<float>? scales)
    {
        PackChecks.StepRow(pack, stepRow);
        int count = pack.ParameterCount;
        var w = Need(parameters, count, nameof(parameters));
        var g = Need(gradients, count, nameof(gradients));
        var s1 = State(state1, pack.UsesState1, count, nameof(state1));
        var s2 = State(state2, pack.UsesState2, count, nameof(state2));
        var s = pack.Clips ? Need(scales ?? throw new ArgumentNullException(nameof(scales), "a clipped member needs its scale"), pack.MemberCount, nameof(scales))
            : scales is null ? _dummy : Own(scales, nameof(scales));
        var p = new PackUpdateParams { SegmentCount = pack.SegmentsByStart.Length, StepBase = stepRow * pack.MemberCount };
        if (count > 0)
            Launch(IlgpuKernels.PackUpdate)(_stream, count, Table(pack.SegmentsByStart), Table(pack.Members), Table(pack.Steps), w.View, g.View, s1.View, s2.View, s.View, p);
    }

    /// <summary>An optimiser state the steps use, checked; the unread stand-in for one they do not use and that is missing.</summary>
    private IlgpuBuffer<float> State(DeviceBuffer<float>? state, bool used, int count, string name) =>
        used ? Need(state ?? throw new ArgumentNullException(name, $"the pack's steps use {name}"), count, name)
            : state is null ? _dummy : Own(state, name);

    private static PackRowsParams RowsParams(PackTables pack, int firstFeature, int rows, int stepRow) =>
        new() { FirstFeature = firstFeature, Rows = rows, StepBase = stepRow * pack.MemberCount };

    private ArrayView<T> Table<T>(DeviceBuffer<T> table) where T : unmanaged => Own(table, "pack").View;
}
