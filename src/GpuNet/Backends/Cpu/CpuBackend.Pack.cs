using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// The pack ops on the host: each feature row, loss row and parameter segment goes through the very code the op of a
/// model trained alone runs on it (<see cref="CpuElementwise"/>, <see cref="CpuLoss"/>, <see cref="CpuOptim"/>), so a
/// packed member keeps every bit it would have alone.
/// </summary>
public sealed partial class CpuBackend
{
    // One feature row's bias, repeated along the row: the solo op adds a bias vector, and so does this one.
    private float[] _biasRow = [];
    private readonly PackParts _packParts = new(CpuWorkers.Shared);

    public void PackBiasActivation(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float>? dropped, DeviceBuffer<float> bias,
        int firstFeature, int features, int rows, int stepRow)
    {
        PackChecks.BiasActivation(pack, outputs, dropped, bias, firstFeature, features, rows, stepRow);
        var info = Own(pack.Features).Span.Slice(firstFeature, features);
        var y = Own(outputs).Span;
        var b = Own(bias).Span;
        if (_biasRow.Length < rows) _biasRow = new float[rows];
        var biasRow = _biasRow.AsSpan(0, rows);
        for (int f = 0; f < features; f++)
        {
            int j = firstFeature + f;
            var row = y.Slice(j * rows, rows);
            biasRow.Fill(b[j]);
            CpuElementwise.BiasActivation(row, biasRow, 1, rows, info[f].Activation);
            if (dropped is null || info[f].Hidden == 0)
                continue;
            var to = Own(dropped).Span.Slice(j * rows, rows);
            var dropout = Step(pack, stepRow, info[f].Member).Dropout;
            if (dropout.Probability > 0f)
                DropRow(row, to, info[f], dropout);
            else
                row.CopyTo(to);
        }
    }

    public void PackActivationBackward(PackTables pack, DeviceBuffer<float> deltas, DeviceBuffer<float> outputs, int firstFeature, int features, int rows, int stepRow)
    {
        PackChecks.ActivationBackward(pack, deltas, outputs, firstFeature, features, rows, stepRow);
        var info = Own(pack.Features).Span.Slice(firstFeature, features);
        var d = Own(deltas).Span;
        var y = Own(outputs).Span;
        for (int f = 0; f < features; f++)
        {
            if (info[f].Hidden == 0) continue;
            int j = firstFeature + f;
            var row = d.Slice(j * rows, rows);
            var dropout = Step(pack, stepRow, info[f].Member).Dropout;
            if (dropout.Probability > 0f)
                DropRow(row, row, info[f], dropout);
            CpuElementwise.Backward(row, y.Slice(j * rows, rows), row, info[f].Activation);
        }
    }

    /// <summary>Dropout of one feature row: element r is the member's element r·width + unit of its layer's mask.</summary>
    private static void DropRow(ReadOnlySpan<float> from, Span<float> to, in PackFeature feature, in DropoutKernelParams dropout)
    {
        ulong seed = CounterRandom.Hash(dropout.Seed, (ulong)feature.Layer);
        for (int r = 0; r < from.Length; r++)
            to[r] = DropoutMask.Keeps(seed, r * feature.Width + feature.Unit, dropout.Probability) ? from[r] * dropout.Scale : 0f;
    }

    public void PackLoss(PackTables pack, DeviceBuffer<float> outputs, DeviceBuffer<float> deltas, DeviceBuffer<int> labels, int rows, int stepRow,
        DeviceBuffer<float> stats, int statsOffset, int statsStride)
    {
        PackChecks.Loss(pack, outputs, deltas, labels, rows, stepRow, stats, statsOffset, statsStride);
        var (logits, gradients, labelBuffer, statBuffer) = (Own(outputs), Own(deltas), Own(labels), Own(stats));
        var memberTable = Own(pack.Members);
        _packParts.Run(pack.MemberCount, m => (long)rows * memberTable.Span[m].Outputs, (first, end) =>
            LossOfMembers(pack, first, end, logits.Span, gradients.Span, labelBuffer.First(rows), statBuffer.Span, rows, stepRow, statsOffset, statsStride));
    }

    private static void LossOfMembers(PackTables pack, int first, int end, ReadOnlySpan<float> z, Span<float> d, ReadOnlySpan<int> y, Span<float> s,
        int rows, int stepRow, int statsOffset, int statsStride)
    {
        var weights = Own(pack.ClassWeights).Span;
        var members = Own(pack.Members).Span;
        for (int m = first; m < end; m++)
        {
            var member = members[m];
            int start = member.LogitsFeature * rows, length = (member.Outputs - 1) * rows + 1;
            var memberWeights = member.ClassWeights < 0 ? default : weights.Slice(member.ClassWeights, Math.Max(member.Outputs, 2));
            float scale = Step(pack, stepRow, m).LossScale;
            int r = 0;
            if (member.Outputs > 1) // whole vectors of rows at once, each row's values exactly SoftmaxRow's
                for (; r + CpuSoftmaxBlock.Rows <= rows; r += CpuSoftmaxBlock.Rows)
                    CpuSoftmaxBlock.Run(z.Slice(start, member.Outputs * rows), d.Slice(start, member.Outputs * rows), rows, r, member.Outputs, y, memberWeights,
                        s.Slice(m * statsStride + statsOffset, 2 * rows), scale);
            for (; r < rows; r++)
            {
                var stat = s.Slice(m * statsStride + statsOffset + 2 * r, 2);
                var gradient = d.Slice(start + r, length);
                if (member.Outputs == 1)
                    CpuLoss.BinaryRow(z[start + r], y[r], memberWeights, stat, gradient, scale);
                else
                    CpuLoss.SoftmaxRow(new SpanRow(z.Slice(start + r, length), rows), y[r], member.Outputs, memberWeights, stat, gradient, rows, scale);
            }
        }
    }

    /// <summary>Each row's columns added in order, as <see cref="CpuElementwise.ColumnSums"/> adds a column's rows.</summary>
    public void RowSums(DeviceBuffer<float> x, int rows, int cols, DeviceBuffer<float> sums)
    {
        var from = Own(x).First(rows * cols);
        var to = Own(sums).First(rows);
        for (int i = 0; i < rows; i++)
        {
            var row = from.Slice(i * cols, cols);
            float sum = cols == 0 ? 0f : row[0];
            for (int c = 1; c < cols; c++) sum += row[c];
            to[i] = sum;
        }
    }

    public void PackClipScale(PackTables pack, DeviceBuffer<float> gradients, DeviceBuffer<float> scales)
    {
        PackChecks.ClipScale(pack, gradients, scales);
        var g = Own(gradients).Span;
        var segments = Own(pack.Segments).Span;
        var members = Own(pack.Members).Span;
        var to = Own(scales).First(members.Length);
        for (int m = 0; m < members.Length; m++)
        {
            var member = members[m];
            if (!(member.ClipNorm > 0f))
            {
                to[m] = 1f;
                continue;
            }
            // The member's segments in state-dict order: its flat buffer alone, summed in the same order.
            double sumOfSquares = 0;
            foreach (var segment in segments.Slice(member.FirstSegment, member.SegmentCount))
                AddSquares(g.Slice(segment.Start, segment.Length), ref sumOfSquares);
            to[m] = ClipFactor(sumOfSquares, member.ClipNorm);
        }
    }

    public void PackUpdate(PackTables pack, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? state1,
        DeviceBuffer<float>? state2, int stepRow, DeviceBuffer<float>? scales)
    {
        PackChecks.Update(pack, parameters, gradients, state1, state2, stepRow, scales);
        var (w, g, v, m2) = (Own(parameters), Own(gradients), state1 is null ? null : Own(state1), state2 is null ? null : Own(state2));
        var scaleBuffer = scales is null ? null : Own(scales);
        var segmentTable = Own(pack.Segments);
        // Whole segments per part (a member's segment is updated by one thread, with the solo update's own loop).
        _packParts.Run(pack.SegmentCount, i => segmentTable.Span[i].Length, (first, end) =>
        {
            for (int i = first; i < end; i++) UpdateSegment(pack, segmentTable.Span[i], w, g, v, m2, stepRow, scaleBuffer);
        });
    }

    private static void UpdateSegment(PackTables pack, PackSegment segment, CpuBuffer<float> w, CpuBuffer<float> g, CpuBuffer<float>? state1,
        CpuBuffer<float>? state2, int stepRow, CpuBuffer<float>? scales)
    {
        var step = Step(pack, stepRow, segment.Member);
        bool clipped = Own(pack.Members).Span[segment.Member].ClipNorm > 0f;
        float scale = clipped ? (scales ?? throw new ArgumentNullException(nameof(scales), "a clipped member needs its scale")).Span[segment.Member] : 1f;
        var parameters = w.Span.Slice(segment.Start, segment.Length);
        var gradients = g.Span.Slice(segment.Start, segment.Length);
        switch (step.Optimizer)
        {
            case PackOptimizer.Sgd:
                var sgd = step.Sgd;
                sgd.GradScale = scale;
                CpuOptim.Sgd(parameters, gradients, sgd.Momentum != 0f ? state1!.Span.Slice(segment.Start, segment.Length) : default, sgd);
                break;
            case PackOptimizer.Adam:
                var adam = step.Adam;
                adam.GradScale = scale;
                CpuOptim.Adam(parameters, gradients, state1!.Span.Slice(segment.Start, segment.Length), state2!.Span.Slice(segment.Start, segment.Length), adam);
                break;
        }
    }

    private static PackStep Step(PackTables pack, int stepRow, int member) => Own(pack.Steps).Span[stepRow * pack.MemberCount + member];
}
