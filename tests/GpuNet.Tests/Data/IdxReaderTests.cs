using static GpuNet.Tests.Data.IdxTestFiles;

namespace GpuNet.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DataException ReadImagesFails(byte[] file, string name = "images")
        => Assert.Throws<DataException>(() => IdxReader.ReadImages(new MemoryStream(file), name));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trip_of_images_and_labels(bool gzip)
    {
        byte[] images = Images(5, 3, 4), labels = Labels(5);
        string imagesPath = _dir.Write("img", gzip ? Gzip(images) : images);
        string labelsPath = _dir.Write("lbl", gzip ? Gzip(labels) : labels);

        IdxImages read = IdxReader.ReadImages(imagesPath);
        Assert.Equal((5, 3, 4), (read.Count, read.Rows, read.Columns));
        byte[] pixels = ImagePixels(5, 12);
        Assert.Equal(pixels, read.Pixels);
        Assert.Equal(pixels.Select(p => p / 255f), read.ToUnit());
        Assert.Equal([0, 1, 2, 3, 4], IdxReader.ReadLabels(labelsPath, classCount: 10));
    }

    [Fact]
    public void Gzip_is_detected_by_content_not_by_extension()
    {
        string rawNamedGz = _dir.Write("raw.gz", Images(2, 2, 2));
        string gzNamedRaw = _dir.Write("packed-idx3-ubyte", Gzip(Images(2, 2, 2)));
        Assert.Equal(IdxReader.ReadImages(rawNamedGz).Pixels, IdxReader.ReadImages(gzNamedRaw).Pixels);
    }

    [Fact]
    public void Dataset_pairs_images_with_labels()
    {
        Dataset data = IdxReader.ReadDataset("tiny", _dir.Write("i", Images(3, 2, 2)), _dir.Write("l", Labels(3, classes: 3)), ["a", "b", "c"]);
        Assert.Equal((3, 4, 3), (data.Count, data.FeatureCount, data.ClassCount));
        Assert.Equal(["a", "b", "c"], data.ClassNames);
    }

    [Fact]
    public void Bad_magic_is_not_an_idx_file()
    {
        byte[] file = Images(1, 2, 2);
        file[0] = 0x1F; // not followed by 0x8B, so not gzip either
        Assert.Equal("images: not an IDX file: magic number is 0x1F000803, expected 0x00000803", ReadImagesFails(file).Message);
    }

    [Fact]
    public void Element_types_other_than_unsigned_byte_are_refused()
        => Assert.Contains("unsupported IDX element type 0x0D", ReadImagesFails(Build([1, 1, 1], new byte[4], type: 0x0D)).Message);

    [Fact]
    public void A_label_file_is_not_an_image_file()
        => Assert.Equal("images: header declares 1 dimension(s), expected 3", ReadImagesFails(Labels(4)).Message);

    [Fact]
    public void Truncated_raw_file_says_how_much_is_missing()
    {
        byte[] file = Images(4, 2, 3)[..^4];
        Assert.Equal("train-images-idx3-ubyte: truncated: header promises 24 bytes of pixels, file holds 20",
            ReadImagesFails(file, "train-images-idx3-ubyte").Message);
    }

    [Fact]
    public void Truncated_gzip_payload_is_reported()
    {
        DataException e = ReadImagesFails(Gzip(Images(4, 2, 3)[..^4]));
        Assert.Equal("images: truncated: header promises 24 bytes of pixels, the decompressed file holds 20", e.Message);
    }

    [Fact]
    public void Cut_gzip_stream_is_a_data_error()
    {
        byte[] gz = Gzip(Images(50, 10, 10));
        Assert.StartsWith("images: ", ReadImagesFails(gz[..(gz.Length / 2)]).Message);
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        Assert.Contains("ends inside the 4-byte IDX magic number", ReadImagesFails([0, 0]).Message);
        Assert.Contains("ends inside the 3 dimension sizes", ReadImagesFails(Images(1, 1, 1)[..9]).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trailing_bytes_are_refused(bool gzip)
    {
        byte[] file = [.. Images(2, 2, 2), 1, 2, 3];
        DataException e = ReadImagesFails(gzip ? Gzip(file) : file);
        Assert.Contains("trailing data after the 8 bytes of pixels the header promises", e.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        string images = _dir.Write("train-images-idx3-ubyte", Images(3, 2, 2));
        string labels = _dir.Write("train-labels-idx1-ubyte", Labels(4));
        var e = Assert.Throws<DataException>(() => IdxReader.ReadDataset("x", images, labels, DatasetCatalog.ClassNames("mnist")));
        Assert.Equal($"{images}: holds 3 images but {labels} holds 4 labels", e.Message);
    }

    [Fact]
    public void Labels_must_be_below_the_class_count()
    {
        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(new MemoryStream(Build([3], [0, 10, 1])), "labels", 10));
        Assert.Equal("labels: label 10 at index 1 is out of range: expected 0..9", e.Message);
    }

    [Fact]
    public void Zero_sized_dimension_is_refused()
        => Assert.Contains("empty dimension (0 x 28 x 28)", ReadImagesFails(Build([0, 28, 28], [])).Message);

    [Fact]
    public void Huge_header_sizes_fail_before_allocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        // Over the element limit outright: three dimensions of 2^32 - 1 would overflow a naive product.
        Assert.Contains("over the limit", ReadImagesFails(Build([uint.MaxValue, uint.MaxValue, uint.MaxValue], new byte[16])).Message);
        // Under the limit but far beyond the file: raw is checked against the file length, gzip grows only with the data.
        Assert.Contains("truncated: header promises 2147483591 bytes", ReadImagesFails(Build([0x7FFFFFC7, 1, 1], new byte[16])).Message);
        Assert.Contains("truncated: header promises 1073741824 bytes", ReadImagesFails(Gzip(Build([1 << 30, 1, 1], new byte[16]))).Message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16 << 20, $"corrupt headers made the reader allocate {allocated} bytes");
    }

    [Fact]
    public void Missing_file_is_a_data_error_naming_it()
    {
        string path = Path.Combine(_dir.Path, "nope-idx3-ubyte");
        Assert.StartsWith($"{path}: cannot open", Assert.Throws<DataException>(() => IdxReader.ReadImages(path)).Message);
    }
}
