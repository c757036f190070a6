using GpuNet.Kernels;
using ILGPU;

namespace GpuNet.Backends.Ilgpu;

/// <summary>
/// The pack ops (IBackend.Pack), one launch each for the whole pack (<see cref="PackKernels"/>): feature rows and losses
/// one thread per element or row, the update one thread per parameter, clipping one group per member. The arguments are
/// checked by the one rule every backend applies (<see cref="PackChecks"/>), then the launch is only enqueued.
/// </summary>
public sealed partial class IlgpuBackend
{
    public void PackBiasActivation(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float>? dropped, DeviceBuffer<float> bias,
        int firstFeature, int features, int rows, int stepRow)
    {
        PackChecks.BiasActivation(pack, outputs, dropped, bias, firstFeature, features, rows, stepRow);
        var p = RowsParams(pack, firstFeature, rows, stepRow);
        p.Dropped = dropped is null ? 0 : 1;
        var (y, d, b) = (Own(outputs, nameof(outputs)), dropped is null ? _dummy : Own(dropped, nameof(dropped)), Own(bias, nameof(bias)));
        if (features > 0 && rows > 0)
            Launch(IlgpuKernels.PackBiasActivation)(_stream, features * rows, Table(pack.Features), Table(pack.Steps), y.View, d.View, b.View, p);
    }

    public void PackActivationBackward(PackTables pack, DeviceBuffer<float> deltas, DeviceBuffer<float> outputs, int firstFeature, int features, int rows, int stepRow)
    {
        PackChecks.ActivationBackward(pack, deltas, outputs, firstFeature, features, rows, stepRow);
        var (d, y) = (Own(deltas, nameof(deltas)), Own(outputs, nameof(outputs)));
        if (features > 0 && rows > 0)
            Launch(IlgpuKernels.PackActivationBackward)(_stream, features * rows, Table(pack.Features), Table(pack.Steps), d.View, y.View,
                RowsParams(pack, firstFeature, rows, stepRow));
    }

    public void PackLoss(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float> deltas, DeviceBuffer<int> labels, int rows, int stepRow,
        DeviceBuffer<float> stats, int statsOffset, int statsStride)
    {
        PackChecks.Loss(pack, outputs, deltas, labels, rows, stepRow, stats, statsOffset, statsStride);
        var p = new PackLossParams { Rows = rows, StepBase = stepRow * pack.MemberCount, StatsOffset = statsOffset, StatsStride = statsStride };
        var (z, d, l, s) = (Own(outputs, nameof(outputs)), Own(deltas, nameof(deltas)), Own(labels, nameof(labels)), Own(stats, nameof(stats)));
        if (rows > 0)
            Launch(IlgpuKernels.PackLoss)(_stream, pack.MemberCount * rows, Table(pack.Members), Table(pack.Steps), Table(pack.ClassWeights),
                z.View, d.View, l.View, s.View, p);
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
        PackChecks.ClipScale(pack, gradients, scales);
        int width = IlgpuKernels.PackClipScale.Entry.GroupSizeFor(_accelerator.MaxNumThreadsPerGroup);
        if (!int.IsPow2(width))
            throw new NotSupportedException($"{Device.Id}: the clipping reduction needs a power-of-two group, and {width} threads is the most this device allows");
        var (g, s) = (Own(gradients, nameof(gradients)), Own(scales, nameof(scales)));
        Launch(IlgpuKernels.PackClipScale)(_stream, new KernelConfig(pack.MemberCount, width), Table(pack.Segments), Table(pack.Members), g.View, s.View);
    }

    public void PackUpdate(PackTables pack, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? state1,
        DeviceBuffer<float>? state2, int stepRow, DeviceBuffer<float>? scales)
    {
        PackChecks.Update(pack, parameters, gradients, state1, state2, stepRow, scales);
        var p = new PackUpdateParams { SegmentCount = pack.SegmentsByStart.Length, StepBase = stepRow * pack.MemberCount };
        var (w, g) = (Own(parameters, nameof(parameters)), Own(gradients, nameof(gradients)));
        var (s1, s2, s) = (Optional(state1), Optional(state2), Optional(scales));
        if (pack.ParameterCount > 0)
            Launch(IlgpuKernels.PackUpdate)(_stream, pack.ParameterCount, Table(pack.SegmentsByStart), Table(pack.Members), Table(pack.Steps),
                w.View, g.View, s1, s2, s, p);
    }

    /// <summary>A buffer the kernel reads only where the pack needs it (checked), or the unread stand-in.</summary>
    private ArrayView<float> Optional(DeviceBuffer<float>? buffer) => (buffer is null ? _dummy : Own(buffer, nameof(buffer))).View;

    private static PackRowsParams RowsParams(PackTables pack, int firstFeature, int rows, int stepRow) =>
        new() { FirstFeature = firstFeature, Rows = rows, StepBase = stepRow * pack.MemberCount };

    private ArrayView<T> Table<T>(DeviceBuffer<T> table) where T : unmanaged => Own(table, "pack").View;
}
