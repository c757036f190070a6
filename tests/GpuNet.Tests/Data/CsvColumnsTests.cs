namespace GpuNet.Tests.Data;

/// <summary>CSV columns by name: the label, ignored and id columns, and a model's features matched by header name.</summary>
public sealed class CsvColumnsTests
{
    private const string Customers = "cust,x,tier,y\nc1,1,gold,2\nc2,3,silver,4\n";

    private static CsvTable Read(string text, CsvFormat format) => CsvReader.Read(new StringReader(text), "d.csv", format);

    private static string Fails(string text, CsvFormat format) => Assert.Throws<DataException>(() => Read(text, format)).Message;

    [Fact]
    public void Label_and_id_columns_by_name_are_no_features_and_the_names_are_kept()
    {
        var table = Read(Customers, new CsvFormat { LabelName = "tier", IdColumn = "cust" });

        Assert.Equal(["gold", "silver"], table.Classes.Names);
        Assert.Equal([0, 1], table.Labels);
        Assert.Equal([1f, 2f, 3f, 4f], table.Features);
        Assert.Equal(["c1", "c2"], table.Ids!);
        Assert.Equal(["x", "y"], table.Columns!.Features);
        Assert.Equal(["cust", "tier"], table.Columns.Skipped);
    }

    [Fact]
    public void Ignored_columns_by_name_or_index_are_dropped()
    {
        var table = Read("a,b,c,d,label\n1,2,3,4,0\n5,6,7,8,1\n", new CsvFormat(-1) { IgnoreColumns = ["b", "2"] });

        Assert.Equal(2, table.FeatureCount);
        Assert.Equal([1f, 4f, 5f, 8f], table.Features);
        Assert.Equal(["a", "d"], table.Columns!.Features);
    }

    [Fact]
    public void Negative_label_index_counts_from_the_end()
        => Assert.Equal([2f, 4f, 5f, 7f], Read("2,1,4\n5,0,7\n", new CsvFormat(-2)).Features);

    [Fact]
    public void A_name_not_in_the_header_lists_the_header()
        => Assert.Equal("d.csv: label column \"level\" is not a column; the header has \"cust\", \"x\", \"tier\", \"y\"",
            Fails(Customers, new CsvFormat { LabelName = "level" }));

    [Fact]
    public void A_name_in_a_file_without_header_is_refused()
        => Assert.Equal("d.csv: label column \"tier\" names a column, but the file has no header row (give its index instead)",
            Fails("1,2\n0,3\n", new CsvFormat { LabelName = "tier" }));

    [Fact]
    public void Text_after_numbers_in_a_feature_column_suggests_categorical_by_name()
        => Assert.Equal("d.csv: line 3, column 2: value \"gold\" is not a number; to one-hot encode column \"x\" pass Categorical \"x\", or drop it with IgnoreColumns",
            Fails("tier,x,y\ngold,1,2\nsilver,gold,4\n", new CsvFormat()));

    [Fact]
    public void A_header_name_with_a_line_break_is_echoed_on_one_line()
        => Assert.Equal("d.csv: line 3, column 2 (\"ti?er\"): missing value (an empty cell); pass Impute mean, median or most-frequent to fill missing values",
            Fails("a,\"ti\ner\",y\n1,,0\n", new CsvFormat()));

    [Fact]
    public void Expected_features_are_matched_by_name_in_any_order_and_the_label_is_skipped()
    {
        var model = new FeatureColumns(["x", "y"], ["cust", "tier"]);
        var table = Read("y,tier,x\n2,gold,1\n4,silver,3\n", CsvFormat.FeaturesOnly() with { Expected = model });

        Assert.Equal([1f, 2f, 3f, 4f], table.Features);
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void Missing_and_unknown_columns_are_one_error_naming_them()
        => Assert.Equal("d.csv: the header's columns do not match the model's features: missing \"y\"; unknown \"z\", \"w\"",
            Fails("z,x,w\n1,2,3\n", CsvFormat.FeaturesOnly() with { Expected = new FeatureColumns(["x", "y"], ["tier"]) }));

    [Fact]
    public void A_file_without_header_is_read_by_position_even_against_named_features()
        => Assert.Equal([2f, 1f], Read("2,1\n", CsvFormat.FeaturesOnly() with { Expected = new FeatureColumns(["x", "y"], []) }).Features);

    [Fact]
    public void A_test_file_is_matched_to_the_training_files_columns_by_name()
    {
        using var dir = new TempDirectory();
        string train = dir.WriteText("train.csv", "x,y,label\n1,10,0\n2,20,1\n3,30,0\n");
        string test = dir.WriteText("test.csv", "label,y,x\n1,40,4\n");

        var split = CsvReader.LoadSplit(train, test, new CsvFormat { LabelName = "label" }, 0.2, 0);

        Assert.Equal([4f, 40f], split.Test.Floats!);
        Assert.Equal(["x", "y"], split.Columns!.Features);
    }
}
