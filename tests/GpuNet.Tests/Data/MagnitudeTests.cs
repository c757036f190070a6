namespace GpuNet.Tests.Data;

/// <summary>The largest |x| that the messages refusing data too large for float32 report.</summary>
public sealed class MagnitudeTests
{
    [Fact]
    public void The_largest_magnitude_counts_negative_values()
        => Assert.Equal(3e38f, Magnitude.Largest([1f, -3e38f, 2e38f]));

    [Fact]
    public void No_values_have_magnitude_zero()
        => Assert.Equal(0f, Magnitude.Largest([]));

    [Fact]
    public void A_nan_anywhere_makes_the_magnitude_nan()
    {
        Assert.True(float.IsNaN(Magnitude.Largest([float.NaN, 5f])));
        Assert.True(float.IsNaN(Magnitude.Largest([5f, float.NaN, 1f])));
    }

    [Fact]
    public void An_infinity_is_the_largest()
        => Assert.Equal(float.PositiveInfinity, Magnitude.Largest([1f, float.NegativeInfinity]));
}
