namespace GpuNet.Tests.Backends;

public abstract partial class BackendContractTests
{
    public static TheoryData<float, int> DropoutCases => new()
    {
        { 0f, 129 },
        { 0.5f, 1 },
        { 0.3f, 1031 },
        { 0.9f, 33 },
    };

    /// <summary>
    /// Inverted dropout against the reference: the same elements are zero (the mask is a function of seed and index
    /// alone, so it is the same on every device), the kept ones are scaled by 1/(1 − p), and nothing past count changes.
    /// </summary>
    [Theory]
    [MemberData(nameof(DropoutCases), MemberType = typeof(BackendContractTests))]
    public void Dropout_MatchesReference(float probability, int count)
    {
        const ulong seed = 0xD0D0UL;
        var rng = Rng(40, (int)(probability * 10), count);
        // Inputs away from zero, so a zero in the output can only be the mask's.
        float[] x = Array.ConvertAll(RandomFloats(rng, count), v => v >= 0 ? v + 0.5f : v - 0.5f);
        var output = Poisoned(count + 2, offset: 1);
        Backend.Dropout(Place(x, offset: 2), output, count, probability, seed);
        double[] want = new double[count];
        ReferenceOps.Dropout(ToDouble(x), want, count, probability, seed);
        var all = Read(output, count + 2);
        var got = all[..count];
        AssertClose(got, want, "dropout");
        Assert.Equal(want.Select(v => v == 0), got.Select(v => v == 0));
        Assert.All(all[count..], v => Assert.True(float.IsNaN(v)));
    }

    /// <summary>In place (as the network's backward applies it to a gradient), the same mask and scale as out of place.</summary>
    [Fact]
    public void Dropout_InPlace_EqualsOutOfPlace()
    {
        const int count = 257;
        float[] x = RandomFloats(Rng(41), count);
        var inPlace = Place(x, offset: 1);
        var output = Poisoned(count);
        Backend.Dropout(inPlace, output, count, 0.25f, seed: 7);
        Backend.Dropout(inPlace, inPlace, count, 0.25f, seed: 7);
        Assert.Equal(Read(output, count), Read(inPlace, count));
    }
}
