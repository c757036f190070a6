using GpuNet.Backends;
using GpuNet.Kernels;

namespace GpuNet.Reference;

/// <summary>
/// The pack ops (IBackend.Pack), declared once: their cases (<see cref="PackCase.All"/>), their float64 references and
/// their bound (<see cref="ErrorBound.Float32Op"/> elementwise; Σ|x| for the row sums). The reference of each op is the
/// solo op's own (<see cref="ReferenceOps"/>) run on each member alone, in a model's own layout, with the member's
/// scalars: what the op promises is that every member gets what it would get alone. Elements an op must not touch (logit
/// rows of a backward, a frozen member, gaps between segments, what lies around every buffer) must keep their bits.
/// The backend contract tests run every case and op on every device, and <c>gpunet selftest</c> on the device it is given.
/// </summary>
public static partial class PackOp
{
    public const string BiasActivation = "bias+activation", Loss = "loss", ActivationBackward = "activation backward",
        RowSums = "row sums", ClipScale = "clip scale", Update = "update";

    public static IReadOnlyList<string> Ops { get; } = [BiasActivation, Loss, ActivationBackward, RowSums, ClipScale, Update];

    public static IReadOnlyList<PackCase> Cases => PackCase.All;

    /// <summary>Op <paramref name="op"/> of case <paramref name="c"/> on <paramref name="backend"/> from seeded random inputs, beside the reference.</summary>
    public static OpCheck Check(IBackend backend, PackCase c, string op)
    {
        var layout = new PackCaseLayout(c);
        int index = Ops.ToList().IndexOf(op);
        if (index < 0) throw new ArgumentException($"no pack op '{op}'", nameof(op));
        var rng = new Random(CaseSeed.Of(c.Rows, c.Inputs, c.Members.Length, layout.Features.Length, index));
        var labels = new int[c.Rows];
        for (int r = 0; r < labels.Length; r++) labels[r] = rng.Next(c.Classes);
        using var pack = layout.Tables(backend, labels);
        var worst = new OpWorst();
        switch (op)
        {
            case BiasActivation: CheckBiasActivation(backend, pack, layout, rng, worst); break;
            case Loss: CheckLoss(backend, pack, layout, rng, labels, worst); break;
            case ActivationBackward: CheckActivationBackward(backend, pack, layout, rng, worst); break;
            case RowSums: CheckRowSums(backend, layout, rng, worst); break;
            case ClipScale: CheckClipScale(backend, pack, layout, rng, worst); break;
            default: CheckUpdate(backend, pack, layout, rng, worst); break;
        }
        return worst.Result;
    }

    /// <summary>Every op of every case: (case, op, result).</summary>
    public static IEnumerable<(PackCase Case, string Op, OpCheck Result)> CheckAll(IBackend backend) =>
        from c in Cases from op in Ops select (c, op, Check(backend, c, op));

    /// <summary>Feature rows split in two ranges (so an op must honour its first row), the second one starting inside a member's layer.</summary>
    private static (int First, int Count)[] Ranges(PackCaseLayout layout)
    {
        int f = layout.Features.Length, split = Math.Min(f, f / 2 + 1);
        return [(0, split), (split, f - split)];
    }

    private static void CheckBiasActivation(IBackend backend, PackTables pack, PackCaseLayout layout, Random rng, OpWorst worst)
    {
        int n = layout.Features.Length * layout.Rows;
        float[] x = Random(rng, n, 2), bias = Random(rng, layout.Features.Length, 1);
        using var outputs = new PlacedBuffer(backend, x);
        using var dropped = new PlacedBuffer(backend, Nans(n));
        using var b = new PlacedBuffer(backend, bias);
        foreach (var (first, count) in Ranges(layout))
            backend.PackBiasActivation(pack, outputs.View, dropped.View, b.View, first, count, layout.Rows, PackCaseLayout.StepRow);

        var (wantY, scaleY) = (new double[n], new double[n]);
        var (wantDropped, scaleDropped) = (Array.ConvertAll(Nans(n), v => (double)v), new double[n]);
        ForEachLayer(layout, (m, l, hidden) =>
        {
            var solo = layout.Solo(x, m, l);
            int width = layout.Width(m, l), first = layout.FeatureStart[m][l];
            ReferenceOps.BiasActivation(solo, ToDouble(bias[first..(first + width)]), layout.Rows, width, layout.ActivationOf(m, l));
            Put(layout, solo, wantY, scaleY, m, l);
            if (hidden)
                Put(layout, Dropped(layout, solo, m, l), wantDropped, scaleDropped, m, l);
        });
        worst.Add("outputs", outputs, backend, wantY, scaleY);
        worst.Add("dropped", dropped, backend, wantDropped, scaleDropped);
    }

    private static void CheckActivationBackward(IBackend backend, PackTables pack, PackCaseLayout layout, Random rng, OpWorst worst)
    {
        int n = layout.Features.Length * layout.Rows;
        float[] deltas = Random(rng, n, 1), y = Random(rng, n, 2);
        // Outputs an activation can give: f of a random pre-activation, per feature row.
        for (int i = 0; i < n; i++)
            y[i] = ActivationKernels.Apply((int)layout.Features[i / layout.Rows].Activation, y[i]);
        using var d = new PlacedBuffer(backend, deltas);
        using var outputs = new PlacedBuffer(backend, y);
        foreach (var (first, count) in Ranges(layout))
            backend.PackActivationBackward(pack, d.View, outputs.View, first, count, layout.Rows, PackCaseLayout.StepRow);

        var (want, scale) = (ToDouble(deltas), new double[n]);
        ForEachLayer(layout, (m, l, hidden) =>
        {
            if (!hidden) return;
            var grad = Dropped(layout, layout.Solo(deltas, m, l), m, l);
            ReferenceOps.ActivationBackward(grad, layout.Solo(y, m, l), grad, grad.Length, layout.ActivationOf(m, l));
            Put(layout, grad, want, scale, m, l);
        });
        worst.Add("deltas", d, backend, want, scale);
    }

    private static void CheckLoss(IBackend backend, PackTables pack, PackCaseLayout layout, Random rng, int[] labels, OpWorst worst)
    {
        int n = layout.Features.Length * layout.Rows, rows = layout.Rows;
        int statsOffset = 1, statsStride = 2 * rows + 3;
        float[] z = Random(rng, n, 3), deltas = Random(rng, n, 1);
        float[] stats = Random(rng, (layout.Members.Length - 1) * statsStride + statsOffset + 2 * rows, 1);
        using var logits = new PlacedBuffer(backend, z);
        using var d = new PlacedBuffer(backend, deltas);
        using var s = new PlacedBuffer(backend, stats);
        using var y = backend.Allocate<int>(rows + 1);
        backend.Upload<int>([.. labels, -1], y);
        backend.PackLoss(pack, logits.View, d.View, y, rows, PackCaseLayout.StepRow, s.View, statsOffset, statsStride);

        var (wantDeltas, scaleDeltas) = (ToDouble(deltas), new double[n]);
        var (wantStats, scaleStats) = (ToDouble(stats), new double[stats.Length]);
        for (int m = 0; m < layout.Members.Length; m++)
        {
            int head = layout.Layers(m) - 1, outputs = layout.Members[m].Outputs;
            var solo = layout.Solo(z, m, head);
            var grad = new double[solo.Length];
            int at = m * statsStride + statsOffset;
            var memberStats = wantStats[at..(at + 2 * rows)];
            var weights = layout.Case.Members[m].ClassWeights is { } w ? ToDouble(w) : null;
            double lossScale = layout.LossScale(m, labels);
            if (outputs == 1)
                ReferenceOps.SigmoidBinaryCrossEntropy(solo, labels, rows, grad, lossScale, memberStats, weights);
            else
                ReferenceOps.SoftmaxCrossEntropy(solo, labels, rows, outputs, grad, lossScale, memberStats, weights);
            Put(layout, grad, wantDeltas, scaleDeltas, m, head);
            memberStats.CopyTo(wantStats, at);
            for (int i = at; i < at + 2 * rows; i++) scaleStats[i] = Math.Max(1, Math.Abs(wantStats[i]));
        }
        worst.Add("deltas", d, backend, wantDeltas, scaleDeltas);
        worst.Add("stats", s, backend, wantStats, scaleStats);
    }

    /// <summary>The feature-major bias gradient: sums[j] = Σ_r x[j, r], the solo op's column sums of the transposed arena.</summary>
    private static void CheckRowSums(IBackend backend, PackCaseLayout layout, Random rng, OpWorst worst)
    {
        int features = layout.Features.Length, rows = layout.Rows;
        float[] x = Random(rng, features * rows, 1);
        using var input = new PlacedBuffer(backend, x);
        using var sums = new PlacedBuffer(backend, Nans(features));
        backend.RowSums(input.View, features, rows, sums.View);

        var transposed = new double[rows * features];
        for (int j = 0; j < features; j++)
            for (int r = 0; r < rows; r++)
                transposed[r * features + j] = x[j * rows + r];
        var (want, scale) = (new double[features], new double[features]);
        ReferenceOps.ColumnSums(transposed, rows, features, want);
        ReferenceOps.ColumnSums(Array.ConvertAll(transposed, Math.Abs), rows, features, scale);
        worst.Add("sums", sums, backend, want, scale);
    }

    /// <summary>Member m's layer l as a model alone has it after dropout: the solo op's mask of the layer's stream, or the values when p is 0.</summary>
    private static double[] Dropped(PackCaseLayout layout, double[] solo, int m, int l)
    {
        float p = layout.Case.Members[m].Dropout;
        if (p == 0f) return solo;
        var to = new double[solo.Length];
        ReferenceOps.Dropout(solo, to, solo.Length, p, CounterRandom.Hash(PackCaseLayout.DropoutSeed(m), (ulong)l));
        return to;
    }

    /// <summary>Calls <paramref name="body"/>(member, layer, hidden) for every layer of every member.</summary>
    private static void ForEachLayer(PackCaseLayout layout, Action<int, int, bool> body)
    {
        for (int m = 0; m < layout.Members.Length; m++)
            for (int l = 0; l < layout.Layers(m); l++)
                body(m, l, l < layout.Layers(m) - 1);
    }

    /// <summary>Writes a member's layer into the wanted arena and gives its elements the elementwise scale.</summary>
    private static void Put(PackCaseLayout layout, double[] solo, double[] want, double[] scale, int m, int l)
    {
        layout.Place(solo, want, m, l);
        layout.Place(ErrorBound.ElementScale(solo), scale, m, l);
    }

    private static float[] Random(Random rng, int n, double magnitude)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * magnitude);
        return x;
    }

    private static float[] Nans(int n)
    {
        var x = new float[n];
        Array.Fill(x, float.NaN);
        return x;
    }

    private static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);
}
