using GpuNet.Distributed;

namespace GpuNet.Tests.Distributed;

public sealed class RankSliceTests
{
    [Theory]
    [InlineData(128, 2)]
    [InlineData(129, 2)]
    [InlineData(7, 3)]
    [InlineData(1, 2)]
    [InlineData(2, 5)]
    [InlineData(0, 3)]
    public void Slices_cover_the_batch_in_rank_order_and_differ_by_at_most_one_row(int rows, int ranks)
    {
        var slices = Enumerable.Range(0, ranks).Select(rank => RankSlice.Of(rows, rank, ranks)).ToArray();
        int next = 0;
        foreach (var slice in slices)
        {
            Assert.Equal(next, slice.Start);
            next += slice.Rows;
        }
        Assert.Equal(rows, next);
        Assert.True(slices.Max(s => s.Rows) - slices.Min(s => s.Rows) <= 1);
        Assert.True(slices.Zip(slices.Skip(1)).All(p => p.First.Rows >= p.Second.Rows), "the larger slices come first");
    }

    [Fact]
    public void A_rank_outside_the_job_is_an_argument_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RankSlice.Of(10, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RankSlice.Of(10, 0, 0));
    }
}
