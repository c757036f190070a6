using ILGPU;

namespace GpuNet.Kernels;

/// <summary>Scalars of the pack's kernels over a range of feature rows (<see cref="PackKernels.BiasActivation"/>, <see cref="PackKernels.ActivationBackward"/>).</summary>
public struct PackRowsParams
{
    /// <summary>The range's first feature row, and the rows (samples) every feature row holds.</summary>
    public int FirstFeature, Rows;
    /// <summary>stepRow·members: where the step's scalars start in the steps table.</summary>
    public int StepBase;
    /// <summary>1 when the dropped view is real and hidden rows get their dropout written into it, 0 when it is a dummy.</summary>
    public int Dropped;
}

/// <summary>Scalars of <see cref="PackKernels.Loss"/>.</summary>
public struct PackLossParams
{
    public int Rows, StepBase, StatsOffset, StatsStride;
}

/// <summary>Scalars of <see cref="PackKernels.Update"/>.</summary>
public struct PackUpdateParams
{
    /// <summary>The segments of the by-start table (what the binary search runs over), and stepRow·members.</summary>
    public int SegmentCount, StepBase;
}

/// <summary>
/// The pack ops (IBackend.Pack) for every member of a pack in one launch each, reading what each feature row, member and
/// parameter is from the pack's tables (<see cref="PackFeature"/>, <see cref="PackMember"/>, <see cref="PackSegment"/>,
/// <see cref="PackStep"/>). Every element goes through the scalar code the kernel of a model trained alone runs on it
/// (<see cref="ActivationKernels"/>, <see cref="DropoutMask"/>, <see cref="SoftmaxKernels.CrossEntropyRow"/>,
/// <see cref="LogisticKernels.SigmoidBceRow"/>, <see cref="OptimKernels"/>), so a member computes what it would alone.
/// Activations are feature-major: element (j, r) of an arena of [features, rows] is at j·rows + r. No atomics: every
/// output has one writer, and the one reduction (<see cref="ClipScale"/>) adds in a fixed order.
/// </summary>
public static class PackKernels
{
    /// <summary>
    /// One thread per element of the feature range: outputs[j, r] = f_j(outputs[j, r] + bias[j]); a hidden row also gets
    /// dropped[j, r], the value through its member's dropout (<see cref="Drop"/>), when the dropped view is real.
    /// </summary>
    public static void BiasActivation(Index1D index, ArrayView<PackFeature> features, ArrayView<PackStep> steps, ArrayView<float> outputs,
        ArrayView<float> dropped, ArrayView<float> bias, PackRowsParams p)
    {
        int f = index.X / p.Rows;
        int r = index.X - f * p.Rows;
        int j = p.FirstFeature + f;
        int e = j * p.Rows + r;
        var feature = features[j];
        float y = ActivationKernels.Apply((int)feature.Activation, outputs[e] + bias[j]);
        outputs[e] = y;
        if (p.Dropped != 0 && feature.Hidden != 0)
            dropped[e] = Drop(y, feature, steps[p.StepBase + feature.Member].Dropout, r);
    }

    /// <summary>
    /// One thread per element of the feature range, in place on a hidden row: deltas[j, r] = d·f_j′(outputs[j, r]), d the
    /// delta through the member's dropout (<see cref="Drop"/>), in the order a model alone runs dropout's backward and then
    /// the activation's. A logit row is left as it is.
    /// </summary>
    public static void ActivationBackward(Index1D index, ArrayView<PackFeature> features, ArrayView<PackStep> steps, ArrayView<float> deltas,
        ArrayView<float> outputs, PackRowsParams p)
    {
        int f = index.X / p.Rows;
        int r = index.X - f * p.Rows;
        int j = p.FirstFeature + f;
        int e = j * p.Rows + r;
        var feature = features[j];
        if (feature.Hidden == 0)
            return;
        float d = Drop(deltas[e], feature, steps[p.StepBase + feature.Member].Dropout, r);
        deltas[e] = d * ActivationKernels.DerivativeFromOutput((int)feature.Activation, outputs[e]);
    }

    /// <summary>
    /// Element (r, unit) of the member's layer through its dropout: the mask of <see cref="DropoutKernels.Dropout"/> with the
    /// layer's stream Hash(seed, layer) at the solo element r·width + unit, so the member draws what it draws alone; the
    /// value itself when the probability is 0.
    /// </summary>
    public static float Drop(float value, PackFeature feature, DropoutKernelParams dropout, int row)
    {
        if (!(dropout.Probability > 0f))
            return value;
        ulong seed = CounterRandom.Hash(dropout.Seed, (ulong)feature.Layer);
        return DropoutMask.Keeps(seed, row * feature.Width + feature.Unit, dropout.Probability) ? value * dropout.Scale : 0f;
    }

    /// <summary>
    /// One thread per (member m, row r), index m·rows + r: the member's loss head on its logit rows, its logits read down
    /// the feature rows (stride rows), the loss and correctness added into stats[m·stride + offset + 2r] and [… + 1], the
    /// gradient scaled by the step's loss scale times the row's class weight written into deltas at the logits' places.
    /// </summary>
    public static void Loss(Index1D index, ArrayView<PackMember> members, ArrayView<PackStep> steps, ArrayView<float> classWeights,
        ArrayView<float> outputs, ArrayView<float> deltas, ArrayView<int> labels, ArrayView<float> stats, PackLossParams p)
    {
        int m = index.X / p.Rows;
        int r = index.X - m * p.Rows;
        var member = members[m];
        int label = labels[r];
        long first = (long)member.LogitsFeature * p.Rows + r;
        long stat = (long)m * p.StatsStride + p.StatsOffset + 2L * r;
        float scale = steps[p.StepBase + m].LossScale;
        // An unweighted member's rows weigh 1, as a model without class weights alone.
        int classes = member.Outputs == 1 ? 2 : member.Outputs;
        float weight = member.ClassWeights < 0 ? 1f : SoftmaxKernels.RowWeight(classWeights.SubView(member.ClassWeights, classes), label, classes);
        if (member.Outputs == 1)
            LogisticKernels.SigmoidBceRow(outputs[first], label, weight, deltas, first, stats, stat, new LogisticParams { WriteGradient = 1, GradScale = scale });
        else
            SoftmaxKernels.CrossEntropyRow(new ViewRow(outputs, first, p.Rows), label, weight, deltas, stats, stat,
                new SoftmaxCrossEntropyParams { Classes = member.Outputs, WriteGradient = 1, GradScale = scale });
    }

    /// <summary>
    /// One thread per row of a [rows, cols] matrix: sums[i] = x[i, 0] + x[i, 1] + … in column order, the order the cpu
    /// backend adds them in (the same bits), with no reduction across threads.
    /// </summary>
    public static void RowSums(Index1D index, ArrayView<float> x, ArrayView<float> sums, int cols)
    {
        long start = (long)index.X * cols;
        float sum = 0f;
        if (cols > 0)
        {
            sum = x[start];
            for (int c = 1; c < cols; c++)
                sum += x[start + c];
        }
        sums[index.X] = sum;
    }

    /// <summary>
    /// One group per member (grid = members, group w a power of two ≤ <see cref="ReduceKernels.SumThreads"/>): thread j adds
    /// g² over elements j, j + w, … of each of the member's segments in state-dict order, the group adds its w sums in
    /// <see cref="ReduceKernels.GroupSum"/>'s tree, and thread 0 writes <see cref="ReduceKernels.ClipFactor"/>. A member that
    /// does not clip gets 1. The order depends on the layout and w alone: the same bits every run.
    /// </summary>
    public static void ClipScale(ArrayView<PackSegment> segments, ArrayView<PackMember> members, ArrayView<float> gradients, ArrayView<float> scales)
    {
        var lanes = SharedMemory.Allocate<float>(ReduceKernels.SumThreads);
        int m = Grid.IdxX;
        var member = members[m];
        // Uniform across the group (one member per group), so no thread misses a barrier.
        if (!(member.ClipNorm > 0f))
        {
            if (Group.IdxX == 0)
                scales[m] = 1f;
            return;
        }
        float acc = 0f;
        for (int s = member.FirstSegment; s < member.FirstSegment + member.SegmentCount; s++)
        {
            var segment = segments[s];
            for (int i = Group.IdxX; i < segment.Length; i += Group.DimX)
            {
                float g = gradients[segment.Start + i];
                acc += g * g;
            }
        }
        float sum = ReduceKernels.GroupSum(lanes, acc);
        if (Group.IdxX == 0)
            scales[m] = ReduceKernels.ClipFactor(sum, member.ClipNorm);
    }

    /// <summary>
    /// One thread per element of the flat parameter buffer: its segment is the last of the by-start table that starts at or
    /// before it (binary search; an element between segments belongs to none and is left alone), its member's optimiser of
    /// the step then does to it what <see cref="OptimKernels.Sgd"/> or <see cref="OptimKernels.Adam"/> does alone, the raw
    /// gradient scaled by scales[m] when the member clips. A frozen member (<see cref="PackOptimizer.None"/>) is not touched.
    /// state1 is the velocity (SGD) or exp_avg (Adam), state2 exp_avg_sq; each is read only by a member that needs it.
    /// </summary>
    public static void Update(Index1D index, ArrayView<PackSegment> segmentsByStart, ArrayView<PackMember> members, ArrayView<PackStep> steps,
        ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float> state1, ArrayView<float> state2, ArrayView<float> scales,
        PackUpdateParams p)
    {
        int i = index.X;
        int low = 0, high = p.SegmentCount - 1;
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            if (segmentsByStart[mid].Start <= i) low = mid;
            else high = mid - 1;
        }
        var segment = segmentsByStart[low];
        if (i < segment.Start || i - segment.Start >= segment.Length)
            return;
        int m = segment.Member;
        int k = p.StepBase + m;
        var optimizer = steps[k].Optimizer;
        if (optimizer == PackOptimizer.None)
            return;
        float scale = members[m].ClipNorm > 0f ? scales[m] : 1f;
        if (optimizer == PackOptimizer.Sgd)
        {
            var sgd = steps[k].Sgd;
            sgd.GradScale = scale;
            OptimKernels.SgdAt(parameters, gradients, state1, i, sgd);
        }
        else if (optimizer == PackOptimizer.Adam)
        {
            var adam = steps[k].Adam;
            adam.GradScale = scale;
            OptimKernels.AdamStep(parameters, gradients, state1, state2, i, adam);
        }
    }
}
