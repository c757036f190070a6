namespace GpuNet.Tests.Data;

/// <summary>Labels at the smallest width that holds them: which width, what the bytes are, and that values survive every width.</summary>
public sealed class ClassLabelsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(new[] { 0, 9, 255 }, 1)]
    [InlineData(new[] { 0, 256 }, 2)]
    [InlineData(new[] { 65535, 3 }, 2)]
    [InlineData(new[] { 65536 }, 4)]
    [InlineData(new[] { 4, -1 }, 4)]
    [InlineData(new[] { int.MinValue, int.MaxValue }, 4)]
    [InlineData(new int[0], 1)]
    public void Each_set_takes_the_smallest_width_that_holds_every_label_and_reads_back_exactly(int[] values, int width)
    {
        var labels = ClassLabels.From(values);
        Assert.Equal((width, values.Length, values.Length * width), (labels.Width, labels.Count, labels.Stored.Length));
        Assert.Equal(values, labels);
        Assert.Equal(values, labels.ToArray());
    }

    [Fact]
    public void The_stored_bytes_are_little_endian()
    {
        Assert.Equal(new byte[] { 0x34, 0x12, 0x01, 0x00 }, ClassLabels.From([0x1234, 1]).Stored);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00 }, ClassLabels.From([-1, 0x10000]).Stored);
    }

    [Fact]
    public void Pick_keeps_the_width_and_takes_the_rows_in_the_order_given()
    {
        var labels = ClassLabels.From([300, 1, 1, 65535]);
        var picked = labels.Pick([3, 0, 0, 2]);
        Assert.Equal(2, picked.Width);
        Assert.Equal([65535, 300, 300, 1], picked);
        Assert.Equal(new byte[] { 1, 0, 1, 0, 0xFF, 0xFF }, labels.StoredRows(1, 3).ToArray());
    }

    [Fact]
    public void FirstOutside_and_Max_see_every_width()
    {
        Assert.Equal((-1, 9), (ClassLabels.From([0, 9, 3]).FirstOutside(10), ClassLabels.From([0, 9, 3]).Max()));
        Assert.Equal(1, ClassLabels.From([0, 10, 3]).FirstOutside(10));
        Assert.Equal(2, ClassLabels.From([0, 1, -5]).FirstOutside(10));
        Assert.Equal(0, ClassLabels.From([]).Max());
    }

    [Fact]
    public void Idx_labels_are_held_as_read_and_npy_labels_at_the_width_of_their_largest()
    {
        string path = _dir.Write("labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 3, 2, 0, 1]);
        var idx = IdxReader.ReadLabels(path, classCount: 3);
        Assert.Equal(1, idx.Width);
        Assert.Equal([2, 0, 1], idx);

        // int64 on disk, 2 bytes a label in memory: the largest label is 300.
        string npy = _dir.Write("y.npy", NpyTestFiles.Build("<i8", "(3,)", NpyTestFiles.Longs([300, 0, 7])));
        using var file = NpyFile.OpenLabels(npy);
        var labels = file.ReadLabels(classCount: null);
        Assert.Equal(2, labels.Width);
        Assert.Equal([300, 0, 7], labels);
    }

    [Fact]
    public void A_set_of_few_classes_holds_a_byte_per_label_through_its_splits()
    {
        var split = DataSources.Load(new DataOptions { Source = "blobs", Samples = 200, Seed = 1 });
        Assert.Equal((1, 1), (split.Train.Labels.Width, split.Test.Labels.Width));
        Assert.Equal(200, split.Train.Count + split.Test.Count);
    }
}
