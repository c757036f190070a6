using GpuNet.Reference;

namespace GpuNet.Tests.Backends;

/// <summary>Gathers (batch assembly) and the seeded initialisations.</summary>
public abstract partial class BackendContractTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 7)]
    [InlineData(33, 129)]
    public void GatherRows_And_GatherLabels_FollowTheIndicesFromTheirOffset(int rows, int cols)
    {
        const int sourceRows = 40, indexOffset = 5;
        var rng = Rng(40, rows, cols);
        float[] source = RandomFloats(rng, sourceRows * cols);
        int[] labels = RandomInts(rng, sourceRows, 10);
        int[] indices = RandomInts(rng, indexOffset + rows + 3, sourceRows);
        var indexBuffer = Place(indices, offset: 2);

        var destination = Poisoned(rows * cols, offset: 1);
        Backend.GatherRows(Place(source, offset: 3), cols, indexBuffer, indexOffset, rows, destination);
        var wantRows = new double[rows * cols];
        ReferenceOps.GatherRows(ToDouble(source), cols, indices, indexOffset, rows, wantRows);
        Assert.Equal(wantRows, Array.ConvertAll(Read(destination, rows * cols), v => (double)v));

        var labelDestination = Place(new int[rows + 1], offset: 1);
        Backend.GatherLabels(Place(labels, offset: 4), indexBuffer, indexOffset, rows, labelDestination);
        var wantLabels = new int[rows];
        ReferenceOps.GatherLabels(labels, indices, indexOffset, rows, wantLabels);
        Assert.Equal(wantLabels, Read(labelDestination, rows));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 7)]
    [InlineData(33, 129)]
    public void GatherBatch_GathersRowsAndLabelsTogether(int rows, int cols)
    {
        const int sourceRows = 40, indexOffset = 3;
        var rng = Rng(41, rows, cols);
        float[] source = RandomFloats(rng, sourceRows * cols);
        int[] labels = RandomInts(rng, sourceRows, 10);
        int[] indices = RandomInts(rng, indexOffset + rows + 2, sourceRows);

        var batchX = Poisoned(rows * cols, offset: 2);
        var batchY = Place(new int[rows + 1], offset: 1);
        Backend.GatherBatch(Place(source, offset: 1), cols, Place(labels, offset: 2), Place(indices, offset: 3), indexOffset, rows, batchX, batchY);

        var wantRows = new double[rows * cols];
        ReferenceOps.GatherRows(ToDouble(source), cols, indices, indexOffset, rows, wantRows);
        Assert.Equal(wantRows, Array.ConvertAll(Read(batchX, rows * cols), v => (double)v));
        var wantLabels = new int[rows];
        ReferenceOps.GatherLabels(labels, indices, indexOffset, rows, wantLabels);
        Assert.Equal(wantLabels, Read(batchY, rows));
    }

    [Fact]
    public void InitUniform_MatchesCounterRandom()
    {
        const int count = 10_000;
        const float low = -0.5f, high = 1.5f;
        var buffer = Poisoned(count, offset: 3, slack: 2);
        Backend.InitUniform(buffer, low, high, seed: 42);

        var want = new double[count];
        ReferenceOps.InitUniform(want, low, high, 42);
        float[] got = Read(buffer, count);
        AssertClose(got, want, "uniform");
        AssertMoments(got, mean: (low + high) / 2.0, std: (high - low) / Math.Sqrt(12));
    }

    [Fact]
    public void InitNormal_MatchesCounterRandomBoxMuller()
    {
        const int count = 10_000;
        const float mean = 0.25f, std = 2f;
        var buffer = Poisoned(count, offset: 1, slack: 1);
        Backend.InitNormal(buffer, mean, std, seed: 7);

        var want = new double[count];
        ReferenceOps.InitNormal(want, mean, std, 7);
        float[] got = Read(buffer, count);
        AssertClose(got, want, "normal");
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
