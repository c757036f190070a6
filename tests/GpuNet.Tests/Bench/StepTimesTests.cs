using GpuNet.Bench;

namespace GpuNet.Tests.Bench;

public sealed class StepTimesTests
{
    [Fact]
    public void Percentiles_interpolate_between_ranks_whatever_the_input_order()
    {
        var times = StepTimes.From([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
        Assert.Equal(5.5, times.MedianMs, 12);
        Assert.Equal(1.9, times.P10Ms, 12);
        Assert.Equal(9.1, times.P90Ms, 12);
        Assert.Equal(10, times.Runs);
    }

    [Fact]
    public void One_run_is_its_own_median_and_spread()
    {
        Assert.Equal(new StepTimes(3, 3, 3, 1), StepTimes.From([3.0]));
    }
}
