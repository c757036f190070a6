namespace GpuNet.Tests.Ilgpu;

/// <summary>
/// Each pack op is one launch for the whole pack, whatever its members, and none waits for the device: a packed step
/// takes as many launches as one model's. A pack of one member and a pack of four mixed ones cost the same.
/// </summary>
public sealed class PackLaunchTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Every_pack_op_is_one_launch_and_no_host_wait(int packCase)
    {
        using var backend = DeviceCatalog.OpenIlgpuCpu();
        var layout = new PackCaseLayout(PackOp.Cases[packCase]);
        using var pack = layout.Tables(backend, new int[layout.Rows]);
        int f = layout.Features.Length, rows = layout.Rows, p = layout.ParameterCount, step = PackCaseLayout.StepRow;
        var (arena, deltas, dropped, bias) = (backend.Allocate<float>(f * rows), backend.Allocate<float>(f * rows), backend.Allocate<float>(f * rows), backend.Allocate<float>(f));
        var (w, g, s1, s2) = (backend.Allocate<float>(p), backend.Allocate<float>(p), backend.Allocate<float>(p), backend.Allocate<float>(p));
        var (labels, stats, scales) = (backend.Allocate<int>(rows), backend.Allocate<float>(layout.Members.Length * 2 * rows), backend.Allocate<float>(layout.Members.Length));
        backend.Synchronize();

        Action[] ops =
        [
            () => backend.PackBiasActivation(pack, arena, dropped, bias, 0, f, rows, step),
            () => backend.PackLoss(pack, arena, deltas, labels, rows, step, stats, 0, 2 * rows),
            () => backend.PackActivationBackward(pack, deltas, arena, 0, f, rows, step),
            () => backend.RowSums(deltas, f, rows, bias),
            () => backend.PackClipScale(pack, g, scales),
            () => backend.PackUpdate(pack, w, g, s1, s2, step, scales),
        ];
        foreach (var op in ops)
        {
            long launches = backend.LaunchCount, waits = backend.Synchronizations;
            op();
            Assert.Equal(1, backend.LaunchCount - launches);
            Assert.Equal(0, backend.Synchronizations - waits);
        }
    }
}
