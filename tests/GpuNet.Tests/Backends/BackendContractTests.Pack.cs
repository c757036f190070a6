namespace GpuNet.Tests.Backends;

/// <summary>The pack ops, every op of every case of their declaration (<see cref="PackOp"/>) against the per-member float64 references.</summary>
public abstract partial class BackendContractTests
{
    public static TheoryData<int, string> PackCases => new(
        from c in Enumerable.Range(0, PackOp.Cases.Count) from op in PackOp.Ops select (c, op));

    [Theory]
    [MemberData(nameof(PackCases), MemberType = typeof(BackendContractTests))]
    public void PackOp_GivesEveryMemberWhatItsSoloReferenceGives(int packCase, string op)
        => AssertPassed(PackOp.Check(Backend, PackOp.Cases[packCase], op), $"{PackOp.Cases[packCase]}: {op}");
}

/// <summary>What the pack ops refuse, on every backend alike, before anything runs (a kernel cannot throw).</summary>
public abstract partial class BackendContractTests
{
    [Fact]
    public void PackOps_RefuseBadArguments_BeforeAnythingRuns()
    {
        // 7 rows: an Adam member that clips, an SGD member with momentum, a frozen one.
        var layout = new PackCaseLayout(PackOp.Cases[1]);
        using var pack = layout.Tables(Backend, new int[layout.Rows]);
        int f = layout.Features.Length, rows = layout.Rows, n = f * rows, p = layout.ParameterCount, step = PackCaseLayout.StepRow;
        var (arena, bias, labels) = (Poisoned(n), Poisoned(f), Place(new int[rows]));
        var (stats, scales, w) = (Poisoned(layout.Members.Length * 2 * rows), Poisoned(layout.Members.Length), Poisoned(p));

        Assert.ThrowsAny<ArgumentException>(() => Backend.PackBiasActivation(pack, arena, null, bias, 1, f, rows, step));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackBiasActivation(pack, arena, null, bias, 0, f, rows, pack.StepRows));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackBiasActivation(pack, arena, Poisoned(n - 1), bias, 0, f, rows, step));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackBiasActivation(pack, arena, null, Poisoned(f - 1), 0, f, rows, step));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackActivationBackward(pack, arena, Poisoned(n - 1), 0, f, rows, step));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackActivationBackward(pack, arena, arena, 0, f, rows, -1));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackLoss(pack, arena, arena, labels, rows, step, Poisoned(stats.Length - 1), 0, 2 * rows));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackLoss(pack, arena, arena, labels, rows, step, stats, 0, 2 * rows - 1));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackLoss(pack, arena, arena, labels, rows + 1, step, stats, 0, 2 * rows));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackClipScale(pack, Poisoned(p - 1), scales));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackClipScale(pack, w, Poisoned(layout.Members.Length - 1)));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackUpdate(pack, w, w, null, w, step, scales));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackUpdate(pack, w, w, w, null, step, scales));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackUpdate(pack, w, w, w, w, step, null));
        Assert.ThrowsAny<ArgumentException>(() => Backend.PackUpdate(pack, Poisoned(p - 1), w, w, w, step, scales));

        Assert.All(Read(arena, n), v => Assert.True(float.IsNaN(v)));
        Assert.All(Read(w, p), v => Assert.True(float.IsNaN(v)));
        Assert.All(Read(stats, stats.Length), v => Assert.True(float.IsNaN(v)));
    }

    /// <summary>A layout whose rows, weights or segments a kernel would read out of range, or update twice, is refused when the tables are made.</summary>
    [Fact]
    public void PackTables_RefuseALayoutTheKernelsCouldNotReadSafely()
    {
        var layout = new PackCaseLayout(PackOp.Cases[1]);
        var (features, members, segments) = (layout.Features, layout.Members, layout.Segments);
        PackTables Tables(PackFeature[] f, PackMember[] m, PackSegment[] s, float[] w) => new(Backend, f, m, s, w, 1);

        var overlapping = (PackSegment[])segments.Clone();
        overlapping[1].Start = overlapping[0].Start + 1;
        Assert.ThrowsAny<ArgumentException>(() => Tables(features, members, overlapping, layout.ClassWeights));
        var foreign = (PackSegment[])segments.Clone();
        foreign[0].Member = 1;
        Assert.ThrowsAny<ArgumentException>(() => Tables(features, members, foreign, layout.ClassWeights));
        var weighted = (PackMember[])members.Clone();
        weighted[1].ClassWeights = layout.ClassWeights.Length - 1;
        Assert.ThrowsAny<ArgumentException>(() => Tables(features, weighted, segments, layout.ClassWeights));
        var hiddenLogit = (PackFeature[])features.Clone();
        hiddenLogit[members[0].LogitsFeature].Hidden = 1;
        Assert.ThrowsAny<ArgumentException>(() => Tables(hiddenLogit, members, segments, layout.ClassWeights));
        var unknown = (PackFeature[])features.Clone();
        unknown[0].Activation = (Activation)99;
        Assert.ThrowsAny<ArgumentException>(() => Tables(unknown, members, segments, layout.ClassWeights));

        using var pack = Tables(features, members, segments, layout.ClassWeights);
        Assert.Equal(layout.ParameterCount, pack.ParameterCount);
        Assert.ThrowsAny<ArgumentException>(() => pack.UploadSteps([new PackStep { Optimizer = (PackOptimizer)3 }, default, default]));
        Assert.ThrowsAny<ArgumentException>(() => pack.UploadSteps([new PackStep { Dropout = new DropoutKernelParams { Probability = 1f } }, default, default]));
    }
}
