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
}
