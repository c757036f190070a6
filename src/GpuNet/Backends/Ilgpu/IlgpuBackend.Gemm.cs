using GpuNet.Kernels;
using ILGPU;

namespace GpuNet.Backends.Ilgpu;

/// <summary>The GEMM rungs: argument checks (<see cref="GemmShape.Validate"/>), the plan, split-K, the epilogues and the launch grids.</summary>
public sealed partial class IlgpuBackend
{
    // Split-K partial products; grown on demand, kept for the backend's lifetime.
    private IlgpuBuffer<float>? _splitKWorkspace;

    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c) =>
        Gemm(shape, a, b, c, GemmEpilogue.None);

    /// <summary>
    /// The GEMM with its epilogue in the same launch on every rung (the row sums in extra groups or threads beside C's);
    /// under split-K the reduction applies the epilogue. With <see cref="FusedEpilogues"/> off, the separate ops.
    /// </summary>
    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, in GemmEpilogue epilogue)
    {
        shape.Validate();
        epilogue.Validate(shape);
        if (!FusedEpilogues && epilogue.Kind != GemmEpilogueKind.None)
        {
            GemmEpilogue.RunUnfused(this, shape, a, b, c, epilogue);
            return;
        }
        var av = Need(a, shape.ExtentA, nameof(a));
        var bv = Need(b, shape.ExtentB, nameof(b));
        var cv = Need(c, shape.ExtentC, nameof(c));
        var ev = epilogue.Operand is { } operand ? Need(operand, epilogue.Extent(shape), nameof(epilogue)) : _dummy;
        if (shape.IsEmpty)
            return;

        var plan = GemmPlan.For(shape, _gemmKernel, GemmTargetGroups, GemmMinSplitWork);
        var p = new GemmParams
        {
            M = shape.M, N = shape.N, K = shape.K,
            TransA = shape.TransA ? 1 : 0, TransB = shape.TransB ? 1 : 0,
            Alpha = shape.Alpha, Beta = shape.Beta,
            StrideA = shape.StrideA, StrideB = shape.StrideB, StrideC = shape.StrideC,
            Splits = 1, SplitDepth = plan.SplitDepth,
            Epilogue = (int)epilogue.Kind, EpilogueActivation = (int)epilogue.Activation, StrideE = epilogue.Stride,
            Batch = shape.Batch,
        };
        // The row sums take one more column of groups (or batch·M more threads) beside those of C.
        int sumColumns = epilogue.Kind == GemmEpilogueKind.RowSums ? 1 : 0;

        switch (plan.Kernel)
        {
            case GemmKernel.Naive:
            {
                long total = (long)shape.Batch * shape.M * (shape.N + sumColumns);
                if (total > int.MaxValue)
                    throw new ArgumentException($"GEMM output of {total} elements exceeds the naive kernel's 32-bit launch", nameof(shape));
                Launch(IlgpuKernels.GemmNaive)(_stream, (int)total, av.View, bv.View, cv.View, ev.View, p);
                break;
            }
            case GemmKernel.Tiled16:
                Launch(IlgpuKernels.GemmTiled16)(_stream, BlockLaunch(shape, GemmTiled16.Tile, 1, sumColumns), av.View, bv.View, cv.View, ev.View, p);
                break;
            case GemmKernel.Register64:
                Launch(IlgpuKernels.GemmRegister64)(_stream, BlockLaunch(shape, GemmRegister64.Block, 1, sumColumns), av.View, bv.View, cv.View, ev.View, p);
                break;
            default:
                GemmDoubleBuffered(shape, plan, p, sumColumns, av, bv, cv, ev);
                break;
        }
    }

    /// <summary>
    /// Whether <see cref="Gemm(in GemmShape, DeviceBuffer{float}, DeviceBuffer{float}, DeviceBuffer{float}, in GemmEpilogue)"/>
    /// fuses its epilogue (the default) or runs the separate ops a step took before fusion: the switch perf/ times the
    /// fused step against, on the same build and device.
    /// </summary>
    public bool FusedEpilogues { get; set; } = true;

    /// <summary>
    /// The 128×128 rung in its layout specialisation; with split-K, into the workspace
    /// (alpha 1, beta 0, one M×N plane per batch and split, the row sums beside it), then the fixed-order sum into C
    /// with the epilogue.
    /// </summary>
    private void GemmDoubleBuffered(in GemmShape shape, GemmPlan plan, GemmParams p, int sumColumns, IlgpuBuffer<float> a, IlgpuBuffer<float> b, IlgpuBuffer<float> c, IlgpuBuffer<float> e)
    {
        int layout = p.TransA * 2 + p.TransB;
        if (plan.Splits == 1)
        {
            var kernel = IlgpuKernels.GemmDoubleBuffered128[layout * 3 + IlgpuKernels.DoubleBuffered128Store((GemmEpilogueKind)p.Epilogue)];
            Launch(kernel)(_stream, BlockLaunch(shape, GemmDoubleBuffered128.Block, 1, sumColumns), a.View, b.View, c.View, e.View, p);
            return;
        }
        long plane = (long)shape.M * shape.N;
        long planes = (long)shape.Batch * plan.Splits;
        if (plane * planes > int.MaxValue)
            throw new ArgumentException($"split-K GEMM workspace of {plane * planes} elements exceeds a 32-bit buffer", nameof(shape));
        var workspace = SplitKWorkspace((int)(plane * planes));
        // The partial launch keeps only the row sums of the epilogue: C's epilogue needs the whole sum.
        var partial = p with
        {
            Alpha = 1f, Beta = 0f, StrideC = plane, Splits = plan.Splits,
            Epilogue = sumColumns != 0 ? p.Epilogue : (int)GemmEpilogueKind.None,
        };
        // The partials are stored plain; the reduction applies C's epilogue.
        Launch(IlgpuKernels.GemmDoubleBuffered128[layout * 3])(_stream, BlockLaunch(shape, GemmDoubleBuffered128.Block, plan.Splits, sumColumns),
            a.View, b.View, workspace.View, e.View, partial);
        var reduce = new GemmSplitKParams
        {
            Plane = (int)plane, Splits = plan.Splits, StrideC = shape.StrideC, Alpha = shape.Alpha, Beta = shape.Beta,
            N = shape.N, Epilogue = sumColumns != 0 ? (int)GemmEpilogueKind.None : p.Epilogue, EpilogueActivation = p.EpilogueActivation, StrideE = p.StrideE,
        };
        Launch(IlgpuKernels.GemmSplitKReduce)(_stream, (int)(plane * shape.Batch), workspace.View, c.View, e.View, reduce);
    }

    private IlgpuBuffer<float> SplitKWorkspace(int elements)
    {
        if (_splitKWorkspace is { } current && current.Length >= elements)
            return current;
        // Launches already enqueued may still read the old workspace.
        if (_splitKWorkspace is not null)
        {
            Synchronize();
            _splitKWorkspace.Dispose();
        }
        _splitKWorkspace = new IlgpuBuffer<float>(_accelerator, elements);
        return _splitKWorkspace;
    }

    /// <summary>
    /// One 16×16 group per <paramref name="block"/>² block of C, and <paramref name="sumColumns"/> more columns of groups
    /// for the row sums, batches (times splits) along Z.
    /// </summary>
    private KernelConfig BlockLaunch(in GemmShape shape, int block, int splits, int sumColumns)
    {
        long z = (long)shape.Batch * splits;
        if (z > int.MaxValue)
            throw new ArgumentException($"GEMM grid depth {z} (batch × splits) exceeds a 32-bit launch", nameof(shape));
        var grid = new Index3D((shape.N + block - 1) / block + sumColumns, (shape.M + block - 1) / block, (int)z);
        var max = _accelerator.MaxGridSize;
        if (grid.X > max.X || grid.Y > max.Y || grid.Z > max.Z)
            throw new ArgumentException($"GEMM grid {grid} exceeds the device's {max}", nameof(shape));
        return new KernelConfig(grid, new Index3D(GroupEdge, GroupEdge, 1));
    }
}
