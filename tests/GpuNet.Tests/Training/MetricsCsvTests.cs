namespace GpuNet.Tests.Training;

/// <summary>metrics.csv read back by its one reader (a resumed sweep and <c>gpunet runs</c> both use it).</summary>
public sealed class MetricsCsvTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void What_format_writes_reads_back_column_by_column()
    {
        var epochs = new[]
        {
            new EpochMetrics(1, new Score(0.75, 0.5), new Score(0.625, 0.625), new Score(0.5, 0.75), 0.1, 1000, 1, 1.5, 1.5, true),
            new EpochMetrics(2, new Score(0.25, 0.875), null, new Score(double.NaN, 0.875), 0.05, 2000, 1, 1.25, 2.75, true),
        };
        string path = _dir.WriteText("metrics.csv", MetricsCsv.Format(epochs));

        var rows = MetricsCsv.Read(path);

        Assert.Equal([1, 2], rows.Select(r => r.Epoch));
        Assert.Equal(0.625, rows[0]["val_loss"]);
        Assert.Equal(0.05, rows[1]["lr"]);
        Assert.Null(rows[1]["val_loss"]); // no validation split: an empty cell
        Assert.Null(rows[1]["test_loss"]); // NaN is no figure
        Assert.Equal(2.75, rows[1]["elapsed_seconds"]);
        Assert.Null(rows[0]["no_such_column"]);
    }

    [Fact]
    public void Columns_are_found_by_name_in_a_file_of_another_layout()
    {
        string path = _dir.WriteText("metrics.csv", "val_loss,epoch\n0.5,3\n");
        var row = Assert.Single(MetricsCsv.Read(path));
        Assert.Equal(3, row.Epoch);
        Assert.Equal(0.5, row["val_loss"]);
    }

    [Theory]
    [InlineData("loss,accuracy\n1,2\n", "its header has no epoch column")]
    [InlineData("epoch,val_loss\n,0.5\n", "line 2 has no epoch number")]
    public void A_file_that_is_not_a_metrics_file_is_one_line_naming_it(string text, string problem)
    {
        string path = _dir.WriteText("metrics.csv", text);
        var e = Assert.Throws<DataException>(() => MetricsCsv.Read(path));
        Assert.Equal($"{path}: {(problem.StartsWith("its", StringComparison.Ordinal) ? "not a metrics file: " : "")}{problem}", e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
