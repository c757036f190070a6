using GpuNet.Kernels;
using ILGPU;

namespace GpuNet.Backends.Ilgpu;

/// <summary>The GEMM rungs: argument checks (<see cref="GemmShape.Validate"/>), the plan, split-K and the launch grids.</summary>
public sealed partial class IlgpuBackend
{
    // Split-K partial products; grown on demand, kept for the backend's lifetime.
    private IlgpuBuffer<float>? _splitKWorkspace;

    public void Gemm(in GemmShape shape, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c)
    {
        shape.Validate();
        var av = Need(a, shape.ExtentA, nameof(a));
        var bv = Need(b, shape.ExtentB, nameof(b));
        var cv = Need(c, shape.ExtentC, nameof(c));
        if (shape.IsEmpty)
            return;

        var plan = GemmPlan.For(shape, _gemmKernel, GemmTargetGroups);
        var p = new GemmParams
        {
            M = shape.M, N = shape.N, K = shape.K,
            TransA = shape.TransA ? 1 : 0, TransB = shape.TransB ? 1 : 0,
            Alpha = shape.Alpha, Beta = shape.Beta,
            StrideA = shape.StrideA, StrideB = shape.StrideB, StrideC = shape.StrideC,
            Splits = 1, SplitDepth = plan.SplitDepth,
        };

        switch (plan.Kernel)
        {
            case GemmKernel.Naive:
            {
                long total = (long)shape.Batch * shape.M * shape.N;
                if (total > int.MaxValue)
                    throw new ArgumentException($"GEMM output of {total} elements exceeds the naive kernel's 32-bit launch", nameof(shape));
                Launch(IlgpuKernels.GemmNaive)(_stream, (int)total, av.View, bv.View, cv.View, p);
                break;
            }
            case GemmKernel.Tiled16:
                Launch(IlgpuKernels.GemmTiled16)(_stream, BlockLaunch(shape, GemmTiled16.Tile, 1), av.View, bv.View, cv.View, p);
                break;
            case GemmKernel.Register64:
                Launch(IlgpuKernels.GemmRegister64)(_stream, BlockLaunch(shape, GemmRegister64.Block, 1), av.View, bv.View, cv.View, p);
                break;
            default:
                GemmDoubleBuffered(shape, plan, p, av, bv, cv);
                break;
        }
    }

    /// <summary>
    /// The 128×128 rung in its layout specialisation; with split-K, into the workspace
    /// (alpha 1, beta 0, one M×N plane per batch and split), then the fixed-order sum into C.
    /// </summary>
    private void GemmDoubleBuffered(in GemmShape shape, GemmPlan plan, GemmParams p, IlgpuBuffer<float> a, IlgpuBuffer<float> b, IlgpuBuffer<float> c)
    {
        var kernel = IlgpuKernels.GemmDoubleBuffered128[p.TransA * 2 + p.TransB];
        if (plan.Splits == 1)
        {
            Launch(kernel)(_stream, BlockLaunch(shape, GemmDoubleBuffered128.Block, 1), a.View, b.View, c.View, p);
            return;
        }
        long plane = (long)shape.M * shape.N;
        long planes = (long)shape.Batch * plan.Splits;
        if (plane * planes > int.MaxValue)
            throw new ArgumentException($"split-K GEMM workspace of {plane * planes} elements exceeds a 32-bit buffer", nameof(shape));
        var workspace = SplitKWorkspace((int)(plane * planes));
        var partial = p with { Alpha = 1f, Beta = 0f, StrideC = plane, Splits = plan.Splits };
        Launch(kernel)(_stream, BlockLaunch(shape, GemmDoubleBuffered128.Block, plan.Splits), a.View, b.View, workspace.View, partial);
        var reduce = new GemmSplitKParams { Plane = (int)plane, Splits = plan.Splits, StrideC = shape.StrideC, Alpha = shape.Alpha, Beta = shape.Beta };
        Launch(IlgpuKernels.GemmSplitKReduce)(_stream, (int)(plane * shape.Batch), workspace.View, c.View, reduce);
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

    /// <summary>One 16×16 group per <paramref name="block"/>² block of C, batches (times splits) along Z.</summary>
    private KernelConfig BlockLaunch(in GemmShape shape, int block, int splits)
    {
        long z = (long)shape.Batch * splits;
        if (z > int.MaxValue)
            throw new ArgumentException($"GEMM grid depth {z} (batch × splits) exceeds a 32-bit launch", nameof(shape));
        var grid = new Index3D((shape.N + block - 1) / block, (shape.M + block - 1) / block, (int)z);
        var max = _accelerator.MaxGridSize;
        if (grid.X > max.X || grid.Y > max.Y || grid.Z > max.Z)
            throw new ArgumentException($"GEMM grid {grid} exceeds the device's {max}", nameof(shape));
        return new KernelConfig(grid, new Index3D(GroupEdge, GroupEdge, 1));
    }
}
