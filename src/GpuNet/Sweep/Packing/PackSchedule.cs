using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Optim;
using GpuNet.Training;

namespace GpuNet.Sweep.Packing;

/// <summary>
/// The per-step scalars of each pack member (<see cref="PackStep"/>), computed on the host for a run of steps as a
/// member trained alone computes them for each step: the scheduled learning rate, Adam's bias corrections from its
/// own step count, the loss gradient's scale over the batch (class-weighted or not) and dropout's stream.
/// </summary>
internal static class PackSchedule
{
    /// <summary>
    /// Fills <paramref name="table"/> ([steps, members]) for steps [first, first + steps) of <paramref name="epoch"/>;
    /// <paramref name="counts"/> holds each member's optimiser step count before step <paramref name="first"/>.
    /// </summary>
    public static void Fill(Span<PackStep> table, IReadOnlyList<PackMemberRun> members, IReadOnlyList<bool> frozen, IReadOnlyList<long> counts,
        int epoch, int first, int steps, int stepsPerEpoch, ReadOnlySpan<int> order, ClassLabels labels, int batchSize)
    {
        for (int s = 0; s < steps; s++)
        {
            int step = first + s, start = step * batchSize;
            int rows = Math.Min(batchSize, order.Length - start);
            for (int m = 0; m < members.Count; m++)
                table[s * members.Count + m] = frozen[m] ? default
                    : For(members[m], counts[m] + s + 1, epoch, step, stepsPerEpoch, rows, members[m].ClassWeights is { } w ? ClassWeighting.BatchGradScale(w, labels, order, start, rows) : 1f / rows);
        }
    }

    private static PackStep For(PackMemberRun member, long optimizerStep, int epoch, int step, int stepsPerEpoch, int rows, float lossScale)
    {
        var o = member.Options;
        float rate = o.LearningRateSchedule.At(epoch, step, stepsPerEpoch);
        var p = new PackStep { LossScale = lossScale };
        if (o.Optimizer == OptimizerKind.Sgd)
        {
            p.Optimizer = PackOptimizer.Sgd;
            p.Sgd = new SgdParams(rate, o.Momentum, o.WeightDecay, o.Nesterov).KernelParams();
        }
        else
        {
            p.Optimizer = PackOptimizer.Adam;
            p.Adam = new AdamParams(rate, o.Beta1, o.Beta2, o.Eps, o.WeightDecay, Decoupled: o.Optimizer == OptimizerKind.AdamW, optimizerStep).KernelParams();
        }
        if (o.Dropout > 0f)
            p.Dropout = new DropoutKernelParams
            {
                Seed = DropoutStep.For(o.Dropout, o.Seed, (long)(epoch - 1) * stepsPerEpoch + step).StepSeed,
                Probability = o.Dropout,
                Scale = DropoutChecks.Scale(o.Dropout),
            };
        return p;
    }
}
