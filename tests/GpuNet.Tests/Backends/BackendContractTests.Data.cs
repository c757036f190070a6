namespace GpuNet.Tests.Backends;

/// <summary>Gathers (batch assembly) and the seeded initialisations.</summary>
public abstract partial class BackendContractTests
{
    public static TheoryData<string> GatherCases => new(GatherOp.Cases.Select(c => c.ToString()));

    /// <summary>
    /// The minibatch gather from bytes and float32, with x/255 and the z-score, against the float64 reference
    /// (<see cref="GatherOp"/>): native storage converts on every backend within one op's bound.
    /// </summary>
    [Theory]
    [MemberData(nameof(GatherCases), MemberType = typeof(BackendContractTests))]
    public void Gather_ConvertsAndScalesLikeTheReference(string gatherCase)
        => AssertPassed(GatherOp.Check(Backend, GatherOp.Cases.Single(c => c.ToString() == gatherCase)), gatherCase);

    /// <summary>Bytes over 255 give the float32 bits of b / 255f, the value the IDX reader used to store: training on bytes changes no result.</summary>
    [Fact]
    public void GatherRows_OfBytesOver255_GivesTheBitsOfFloatDivision()
    {
        byte[] all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        int[] indices = [0];
        var destination = Poisoned(256, offset: 1);
        using var source = Backend.Allocate<byte>(all.Length);
        Backend.Upload<byte>(all, source);
        Backend.GatherRows(source, 256, new FeatureScaling(255f), Place(indices, offset: 0), 0, 1, destination);
        Assert.Equal(all.Select(b => b / 255f), Read(destination, 256));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 2)]
    [InlineData(33, 4)]
    [InlineData(33, 1)]
    public void GatherLabels_WidensEachStoredWidthAndFollowsTheIndicesFromTheirOffset(int rows, int width)
    {
        const int sourceRows = 40, indexOffset = 5;
        var rng = Rng(40, rows, width);
        int[] labels = GatherOp.RandomLabels(rng, sourceRows, width);
        int[] indices = RandomInts(rng, indexOffset + rows + 3, sourceRows);
        var labelDestination = Place(new int[rows + 1], offset: 1);
        var stored = PlaceLabels(labels, offset: 3);
        Assert.Equal(width, stored.Width);
        Backend.GatherLabels(stored, Place(indices, offset: 2), indexOffset, rows, labelDestination);
        var wantLabels = new int[rows];
        ReferenceOps.GatherLabels(labels, indices, indexOffset, rows, wantLabels);
        Assert.Equal(wantLabels, Read(labelDestination, rows));
    }

    [Fact]
    public void InitUniform_MatchesCounterRandom()
    {
        const float low = -0.5f, high = 1.5f;
        AssertInit(b => Backend.InitUniform(b, low, high, seed: 42), want => ReferenceOps.InitUniform(want, low, high, 42), offset: 3, slack: 2,
            "uniform", mean: (low + high) / 2.0, std: (high - low) / Math.Sqrt(12));
    }

    [Fact]
    public void InitNormal_MatchesCounterRandomBoxMuller()
    {
        const float mean = 0.25f, std = 2f;
        AssertInit(b => Backend.InitNormal(b, mean, std, seed: 7), want => ReferenceOps.InitNormal(want, mean, std, 7), offset: 1, slack: 1,
            "normal", mean, std);
    }

    /// <summary>An init op on 10,000 elements inside a NaN-filled buffer: the reference's values element by element, and the distribution's moments.</summary>
    private void AssertInit(Action<DeviceBuffer<float>> init, Action<double[]> reference, int offset, int slack, string what, double mean, double std)
    {
        const int count = 10_000;
        var buffer = Poisoned(count, offset, slack);
        init(buffer);
        var want = new double[count];
        reference(want);
        float[] got = Read(buffer, count);
        AssertClose(got, want, what);
        AssertMoments(got, mean, std);
    }

    /// <summary>Loose bounds (several standard errors at 10k samples): catches a wrong formula, not bad luck.</summary>
    private static void AssertMoments(float[] values, double mean, double std)
    {
        double m = values.Average(v => (double)v);
        double s = Math.Sqrt(values.Average(v => (v - m) * (v - m)));
        Assert.InRange(m, mean - 0.05 * std, mean + 0.05 * std);
        Assert.InRange(s, 0.95 * std, 1.05 * std);
    }
}
