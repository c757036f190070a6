namespace GpuNet.Tests.Kernels;

/// <summary>The interval <see cref="CounterRandom.Uniform"/> promises: (0, 1], at both extreme buckets.</summary>
public sealed class CounterRandomTests
{
    [Fact]
    public void Uniform_is_positive_in_the_bottom_bucket_and_exactly_one_in_the_top()
    {
        // Find a counter whose 24 drawn bits are all zeros and one whose are all ones (each about 1 in 16.8 M).
        ulong? bottom = null, top = null;
        for (ulong c = 0; c < 1UL << 28 && (bottom is null || top is null); c++)
        {
            ulong bits = CounterRandom.Hash(7, c) >> 40;
            if (bits == 0) bottom ??= c;
            else if (bits == 0xFFFFFF) top ??= c;
        }
        Assert.NotNull(bottom);
        Assert.NotNull(top);
        float low = CounterRandom.Uniform(7, bottom.Value), high = CounterRandom.Uniform(7, top.Value);
        Assert.True(low > 0f, $"bottom bucket gives {low}");
        Assert.True(float.IsFinite(MathF.Log(low)));
        Assert.Equal(1f, high);
    }
}
