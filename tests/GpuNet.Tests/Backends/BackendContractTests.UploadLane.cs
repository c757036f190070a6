namespace GpuNet.Tests.Backends;

/// <summary>
/// <see cref="IBackend.OpenUploadLane{T}"/>: an upload started, then compute on other buffers, then the wait leaves
/// exactly the staged bits in the destination. Reading the destination before the wait is undefined by the contract,
/// so no test reads it there.
/// </summary>
public abstract partial class BackendContractTests
{
    [Fact]
    public void UploadLane_StartedThenComputeThenWait_GivesExactlyTheUploadedBits()
    {
        const int count = 1000, offset = 3, tail = 5;
        var rng = Rng(1000, 3);
        // Bit patterns a conversion would change: NaN payloads, signed zero, subnormals, infinities.
        float[] values = RandomFloats(rng, count, 1f);
        values[0] = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        values[1] = -0f;
        values[2] = float.Epsilon;
        values[3] = float.NegativeInfinity;
        int[] ints = RandomInts(rng, count, int.MaxValue);
        byte[] bytes = Array.ConvertAll(RandomInts(rng, count, 256), b => (byte)b);

        using var floatLane = Backend.OpenUploadLane<float>(count);
        using var intLane = Backend.OpenUploadLane<int>(count);
        using var byteLane = Backend.OpenUploadLane<byte>(count);
        using var floatWhole = Backend.Allocate<float>(offset + count + tail);
        using var intWhole = Backend.Allocate<int>(offset + count + tail);
        using var byteWhole = Backend.Allocate<byte>(offset + count + tail);
        Backend.Upload<float>(Nans(floatWhole.Length), floatWhole);
        values.CopyTo(floatLane.Host);
        ints.CopyTo(intLane.Host);
        bytes.CopyTo(byteLane.Host);

        floatLane.Start(floatWhole.Slice(offset, count + tail), count);
        intLane.Start(intWhole.Slice(offset, count + tail), count);
        byteLane.Start(byteWhole.Slice(offset, count + tail), count);
        // Compute on another buffer while the copies may be in flight (ReLU, so its result is exact too).
        float[] x = RandomFloats(rng, 4096, 1f);
        var y = Poisoned(x.Length);
        Backend.ActivationForward(Place(x), y, x.Length, Activation.Relu);
        floatLane.Wait();
        intLane.Wait();
        byteLane.Wait();

        float[] gotFloats = Read(floatWhole, floatWhole.Length);
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), gotFloats.Skip(offset).Take(count).Select(BitConverter.SingleToInt32Bits));
        Assert.All(gotFloats.Take(offset).Concat(gotFloats.Skip(offset + count)), v => Assert.True(float.IsNaN(v), "outside the upload"));
        Assert.Equal(ints, Read(intWhole, intWhole.Length).Skip(offset).Take(count));
        Assert.Equal(bytes, Read(byteWhole, byteWhole.Length).Skip(offset).Take(count));
        Assert.Equal(x.Select(v => Math.Max(v, 0f)), Read(y, x.Length));
    }

    /// <summary>Ops queued before Start still read the destination's old values, and a lane's staging can be reused once waited for.</summary>
    [Fact]
    public void UploadLane_IsOrderedAfterEarlierOps_AndReusable()
    {
        const int count = 257;
        var rng = Rng(257, 5);
        float[] old = RandomFloats(rng, count, 1f), first = RandomFloats(rng, count, 1f), second = RandomFloats(rng, count, 1f);
        using var lane = Backend.OpenUploadLane<float>(count);
        var destination = Place(old);
        var copied = Poisoned(count);
        Backend.Copy(destination, copied, count); // queued before the upload: must see the old values
        first.CopyTo(lane.Host);
        lane.Start(destination, count);
        lane.Wait();
        Assert.Equal(old, Read(copied, count));
        Assert.Equal(first, Read(destination, count));

        second.CopyTo(lane.Host);
        lane.Start(destination, count - 1);
        lane.Wait();
        Assert.Equal(second.Take(count - 1).Append(first[^1]), Read(destination, count));
    }

    [Fact]
    public void UploadLane_RejectsMoreThanItStagesOrTheDestinationHolds()
    {
        using var lane = Backend.OpenUploadLane<int>(8);
        using var small = Backend.Allocate<int>(4);
        using var large = Backend.Allocate<int>(16);
        Assert.Throws<ArgumentOutOfRangeException>(() => lane.Start(large, 9));
        Assert.Throws<ArgumentException>(() => lane.Start(small, 5));
        lane.Start(small, 0); // nothing to copy, nothing to wait for
        lane.Wait();
        Assert.Equal(new int[4], Read(small, 4));
    }
}
