namespace GpuNet.Tests.Backends;

/// <summary>Buffers too short for an op are refused on the host, before anything is enqueued.</summary>
public abstract partial class BackendContractTests
{
    [Fact]
    public void ShortBuffers_AreRejected()
    {
        using var small = Backend.Allocate<float>(10);
        using var labels = Backend.Allocate<int>(2);
        Assert.ThrowsAny<ArgumentException>(() => Backend.Gemm(new GemmShape(false, false, 4, 4, 4), small, small, small));
        Assert.ThrowsAny<ArgumentException>(() => Backend.Fill(small, 11, 0f));
        Assert.ThrowsAny<ArgumentException>(() => Backend.Copy(small, small.Slice(5, 5), 6));
        Assert.ThrowsAny<ArgumentException>(() => Backend.SoftmaxCrossEntropy(small, labels, 3, 2, null, 1f, small));
        Assert.ThrowsAny<ArgumentException>(() => Backend.GatherLabels(PlaceLabels([1, 2]), labels, 1, 2, labels));
    }

    /// <summary>
    /// One GEMM argument rule on every backend (<see cref="GemmShape.Validate"/>): a batch count of 0 is an empty GEMM that
    /// touches nothing, like M or N = 0; a negative count or stride, or batches of C that overlap, are refused before anything runs.
    /// (ILGPU used to refuse Batch 0 while cpu ran it as a no-op.)
    /// </summary>
    [Fact]
    public void Gemm_AppliesOneArgumentRule()
    {
        var a = Place(RandomFloats(Rng(34), 12));
        var c = Poisoned(9);
        Backend.Gemm(new GemmShape(false, false, 3, 3, 4, Batch: 0), a, a, c);
        Assert.All(Read(c, 9), v => Assert.True(float.IsNaN(v)));
        Assert.ThrowsAny<ArgumentException>(() => Backend.Gemm(new GemmShape(false, false, 3, 3, 4, Batch: -1), a, a, c));
        Assert.ThrowsAny<ArgumentException>(() => Backend.Gemm(new GemmShape(false, false, 1, 1, 1, StrideA: -1), a, a, c));
        Assert.ThrowsAny<ArgumentException>(() => Backend.Gemm(new GemmShape(false, false, 2, 2, 1, Batch: 2, StrideC: 3), a, a, c));
    }
}
