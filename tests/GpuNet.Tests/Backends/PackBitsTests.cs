namespace GpuNet.Tests.Backends;

/// <summary>
/// A pack member gets the bits it would have alone, op by op: each pack op on a one-member pack gives exactly the bits the
/// solo op gives on the same device on the member's own buffers (its activations transposed to a model's [rows, width]
/// layout, its parameters as one flat buffer in state-dict order). On cpu this is what the packed engine's bit-identity is
/// built from; ilgpu-cpu runs the same scalar code in both kernels and must agree too, except clipping's factor, which
/// the pack reduces per member in one group and the solo op over the whole device: there it must agree to float rounding.
/// </summary>
public sealed class PackBitsTests
{
    public static TheoryData<string, int> Members => new(
        from device in Devices from member in Enumerable.Range(0, Cases.Length) select (device, member));

    /// <summary>The devices every machine has (<see cref="TestDevices.AlwaysPresent"/>).</summary>
    private static readonly string[] Devices = ["cpu", "ilgpu-cpu"];

    private static readonly PackCase[] Cases =
    [
        new(33, 5, [new([33, 7], [Activation.Tanh, Activation.Relu], 10, PackOptimizer.Adam, Dropout: 0.3f, WeightDecay: 0.01f, ClipNorm: 0.5f,
            ClassWeights: [1f, 2f, 0.5f, 1f, 3f, 1f, 1f, 0.25f, 1f, 2f])]),
        new(7, 4, [new([9], [Activation.Sigmoid], 1, PackOptimizer.Sgd, Dropout: 0.5f, Momentum: 0.9f, Nesterov: true, WeightDecay: 1e-3f, ClipNorm: 0.1f,
            ClassWeights: [1f, 3f])]),
        new(129, 3, [new([], [], 3, PackOptimizer.Sgd, Momentum: 0.5f)]),
    ];

    [Theory]
    [MemberData(nameof(Members))]
    public void PackBiasActivation_with_dropout_gives_BiasActivation_then_Dropout(string device, int member)
    {
        var (backend, layout, pack) = Open(device, member, out int[] _);
        using var _b = backend;
        using var _p = pack;
        var rng = new Random(1);
        float[] x = Floats(rng, layout.Features.Length * layout.Rows, 2), bias = Floats(rng, layout.Features.Length, 1);
        var (outputs, dropped, b) = (Buffer(backend, x), Buffer(backend, new float[x.Length]), Buffer(backend, bias));
        backend.PackBiasActivation(pack, outputs, dropped, b, 0, layout.Features.Length, layout.Rows, PackCaseLayout.StepRow);

        for (int l = 0; l < layout.Layers(0); l++)
        {
            int width = layout.Width(0, l), n = layout.Rows * width, first = layout.FeatureStart[0][l];
            var y = Buffer(backend, Solo(layout, x, l));
            backend.BiasActivation(y, Buffer(backend, bias[first..(first + width)]), layout.Rows, width, layout.ActivationOf(0, l));
            AssertBits(Read(backend, y), Solo(layout, Read(backend, outputs), l), $"outputs of layer {l}");
            if (l == layout.Layers(0) - 1) continue;
            var soloDropped = Buffer(backend, new float[n]);
            backend.Dropout(y, soloDropped, n, layout.Case.Members[0].Dropout, LayerSeed(l));
            AssertBits(Read(backend, soloDropped), Solo(layout, Read(backend, dropped), l), $"dropped of layer {l}");
        }
    }

    [Theory]
    [MemberData(nameof(Members))]
    public void PackActivationBackward_gives_Dropout_then_ActivationBackward(string device, int member)
    {
        var (backend, layout, pack) = Open(device, member, out int[] _);
        using var _b = backend;
        using var _p = pack;
        var rng = new Random(2);
        float[] deltas = Floats(rng, layout.Features.Length * layout.Rows, 1), y = Floats(rng, deltas.Length, 1);
        for (int i = 0; i < y.Length; i++)
            y[i] = ActivationKernels.Apply((int)layout.Features[i / layout.Rows].Activation, y[i]);
        var (d, outputs) = (Buffer(backend, deltas), Buffer(backend, y));
        backend.PackActivationBackward(pack, d, outputs, 0, layout.Features.Length, layout.Rows, PackCaseLayout.StepRow);

        for (int l = 0; l < layout.Layers(0) - 1; l++)
        {
            int n = layout.Rows * layout.Width(0, l);
            var grad = Buffer(backend, Solo(layout, deltas, l));
            backend.Dropout(grad, grad, n, layout.Case.Members[0].Dropout, LayerSeed(l));
            backend.ActivationBackward(grad, Buffer(backend, Solo(layout, y, l)), grad, n, layout.ActivationOf(0, l));
            AssertBits(Read(backend, grad), Solo(layout, Read(backend, d), l), $"deltas of layer {l}");
        }
    }

    [Theory]
    [MemberData(nameof(Members))]
    public void PackLoss_gives_the_solo_loss_on_the_transposed_logits(string device, int member)
    {
        var (backend, layout, pack) = Open(device, member, out int[] labels);
        using var _b = backend;
        using var _p = pack;
        var rng = new Random(3);
        int rows = layout.Rows, head = layout.Layers(0) - 1, outputs = layout.Members[0].Outputs;
        float[] z = Floats(rng, layout.Features.Length * rows, 3), initialStats = Floats(rng, 2 * rows, 1);
        var (deltas, stats) = (Buffer(backend, new float[z.Length]), Buffer(backend, initialStats));
        var y = backend.Allocate<int>(rows);
        backend.Upload<int>(labels, y);
        backend.PackLoss(pack, Buffer(backend, z), deltas, y, rows, PackCaseLayout.StepRow, stats, 0, 2 * rows);

        var logits = Buffer(backend, Solo(layout, z, head));
        var (grad, soloStats) = (Buffer(backend, new float[rows * outputs]), Buffer(backend, initialStats));
        var weights = layout.Case.Members[0].ClassWeights is { } w ? Buffer(backend, w) : null;
        float scale = layout.LossScale(0, labels);
        if (outputs == 1)
            backend.SigmoidBinaryCrossEntropy(logits, y, rows, grad, scale, soloStats, weights);
        else
            backend.SoftmaxCrossEntropy(logits, y, rows, outputs, grad, scale, soloStats, weights);
        AssertBits(Read(backend, soloStats), Read(backend, stats), "stats");
        AssertBits(Read(backend, grad), Solo(layout, Read(backend, deltas), head), "gradient");
    }

    [Theory]
    [MemberData(nameof(Members))]
    public void RowSums_gives_ColumnSums_of_the_transpose(string device, int member)
    {
        var (backend, layout, pack) = Open(device, member, out int[] _);
        using var _b = backend;
        using var _p = pack;
        int features = layout.Features.Length, rows = layout.Rows;
        float[] x = Floats(new Random(4), features * rows, 1);
        var sums = Buffer(backend, new float[features]);
        backend.RowSums(Buffer(backend, x), features, rows, sums);

        var transposed = new float[x.Length];
        for (int j = 0; j < features; j++)
            for (int r = 0; r < rows; r++)
                transposed[r * features + j] = x[j * rows + r];
        var columnSums = Buffer(backend, new float[features]);
        backend.ColumnSums(Buffer(backend, transposed), rows, features, columnSums);
        AssertBits(Read(backend, columnSums), Read(backend, sums), "sums");
    }

    /// <summary>Clipping's factor and the optimiser step over the member's segments give what ClipScale and the solo update give over its own flat buffer.</summary>
    [Theory]
    [MemberData(nameof(Members))]
    public void PackClipScale_and_PackUpdate_give_ClipScale_and_the_solo_update_on_the_flat_buffer(string device, int member)
    {
        var (backend, layout, pack) = Open(device, member, out int[] _);
        using var _b = backend;
        using var _p = pack;
        var rng = new Random(5);
        int n = layout.ParameterCount;
        float[] w = Floats(rng, n, 1), g = Floats(rng, n, 1), s1 = Floats(rng, n, 0.1f), s2 = Array.ConvertAll(Floats(rng, n, 0.1f), v => v * v);
        var (pw, pg, ps1, ps2, scales) = (Buffer(backend, w), Buffer(backend, g), Buffer(backend, s1), Buffer(backend, s2), Buffer(backend, new float[1]));
        backend.PackClipScale(pack, pg, scales);
        backend.PackUpdate(pack, pw, pg, ps1, ps2, PackCaseLayout.StepRow, scales);

        // The member alone: its segments, in state-dict order, are its flat buffer.
        float[] Flat(float[] x) => [.. layout.SegmentsOf(0).SelectMany(s => x[s.Start..(s.Start + s.Length)])];
        int count = Flat(w).Length;
        var (sw, sg, ss1, ss2, scale) = (Buffer(backend, Flat(w)), Buffer(backend, Flat(g)), Buffer(backend, Flat(s1)), Buffer(backend, Flat(s2)), Buffer(backend, new float[1]));
        // A model that does not clip computes no factor and updates with the raw gradient; the pack says 1 for it.
        bool clips = layout.Members[0].ClipNorm > 0f;
        if (clips)
            backend.ClipScale(sg, count, layout.Members[0].ClipNorm, scale);
        else
            backend.Upload<float>([1f], scale);
        if (device == "cpu")
            AssertBits(Read(backend, scale), Read(backend, scales), "clip scale");
        else
            Assert.Equal(Read(backend, scale)[0], Read(backend, scales)[0], 1e-6f * Read(backend, scale)[0]);
        // The update from the pack's own factor, so the step itself is compared bit for bit everywhere.
        if (layout.Case.Members[0].Optimizer == PackOptimizer.Adam)
            backend.AdamUpdate(sw, sg, ss1, ss2, count, layout.Adam(0), clips ? scales : null);
        else
            backend.SgdUpdate(sw, sg, ss1, count, layout.Sgd(0), clips ? scales : null);
        AssertBits(Read(backend, sw), Flat(Read(backend, pw)), "parameters");
        AssertBits(Read(backend, ss1), Flat(Read(backend, ps1)), "state1");
        AssertBits(Read(backend, ss2), Flat(Read(backend, ps2)), "state2");
    }

    private static (IBackend Backend, PackCaseLayout Layout, PackTables Pack) Open(string device, int member, out int[] labels)
    {
        var layout = new PackCaseLayout(Cases[member]);
        var rng = new Random(member);
        labels = [.. Enumerable.Range(0, layout.Rows).Select(_ => rng.Next(layout.Case.Classes))];
        var backend = TestDevices.Open(device);
        return (backend, layout, layout.Tables(backend, labels));
    }

    /// <summary>The member's stream for layer l: what a model alone hands Dropout for that layer.</summary>
    private static ulong LayerSeed(int l) => CounterRandom.Hash(PackCaseLayout.DropoutSeed(0), (ulong)l);

    /// <summary>Layer l of the feature-major arena in the member's own [rows, width] layout.</summary>
    private static float[] Solo(PackCaseLayout layout, float[] arena, int l) => Array.ConvertAll(layout.Solo(arena, 0, l), v => (float)v);

    private static DeviceBuffer<float> Buffer(IBackend backend, float[] values)
    {
        var buffer = backend.Allocate<float>(values.Length);
        backend.Upload<float>(values, buffer);
        return buffer;
    }

    private static float[] Read(IBackend backend, DeviceBuffer<float> buffer)
    {
        var values = new float[buffer.Length];
        backend.Download<float>(buffer, values);
        return values;
    }

    private static void AssertBits(float[] solo, float[] pack, string what) =>
        Assert.True(solo.Select(BitConverter.SingleToInt32Bits).SequenceEqual(pack.Select(BitConverter.SingleToInt32Bits)),
            $"{what}: the pack's bits differ from the solo op's at element {Enumerable.Range(0, solo.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(solo[i]) != BitConverter.SingleToInt32Bits(pack[i]))}");

    private static float[] Floats(Random rng, int n, float magnitude)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * magnitude);
        return x;
    }
}
