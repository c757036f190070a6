namespace GpuNet.Tests.Data;

/// <summary>How the CSV reader meets categories and missing cells: kinds, codes, the header rule and the one-line errors.</summary>
public sealed class CsvCategoricalReadTests
{
    private static CsvTable Read(string text, CsvFormat format) => CsvReader.Read(new StringReader(text), "d.csv", format);

    private static string Fails(string text, CsvFormat format) => Assert.Throws<DataException>(() => Read(text, format)).Message;

    [Fact]
    public void A_text_column_holds_codes_in_order_of_first_appearance_and_missing_cells_are_NaN()
    {
        var table = Read("colour,size,label\nred,1,0\nblue,NA,1\n,2,0\nred,3,1\n", new CsvFormat(-1) { AllowMissing = true });

        Assert.True(table.Categories.IsCategorical(0));
        Assert.False(table.Categories.IsCategorical(1));
        Assert.Equal(["red", "blue"], table.Categories.Texts(0));
        Assert.Equal([0f, 1f, 1f, float.NaN, float.NaN, 2f, 0f, 3f], table.Features);
    }

    [Fact]
    public void A_headerless_first_row_of_text_and_numbers_is_data()
    {
        var table = Read("red,1.5,yes\nblue,2.5,no\n", new CsvFormat(-1));

        Assert.Equal(2, table.Count);
        Assert.Null(table.Columns);
        Assert.Equal(["red", "blue"], table.Categories.Texts(0));
    }

    [Fact]
    public void Categorical_by_index_reads_numbers_as_categories_by_value()
    {
        var table = Read("2,1.0,0\n10,01,1\n2,1,0\n", new CsvFormat(-1) { Categorical = ["0", "1"] });

        Assert.Equal(["2", "10"], table.Categories.Texts(0));
        Assert.Equal(["1"], table.Categories.Texts(1)); // 1.0, 01 and 1 are one category
        Assert.Equal([0f, 0f, 1f, 0f, 0f, 0f], table.Features);
    }

    [Theory]
    [InlineData("", "missing value (an empty cell)")]
    [InlineData("NA", "missing value \"NA\"")]
    [InlineData("NaN", "missing value \"NaN\"")]
    public void A_missing_cell_is_refused_naming_line_column_and_the_setting(string cell, string what)
        => Assert.Equal($"d.csv: line 2, column 2: {what}; pass Impute mean, median or most-frequent to fill missing values",
            Fails($"0,1\n1,{cell}\n", new CsvFormat()));

    [Fact]
    public void Text_after_numbers_without_a_header_suggests_categorical_by_index()
        => Assert.Equal("d.csv: line 2, column 2: value \"x\" is not a number; to one-hot encode column 2 pass Categorical 1 (0-based), or drop it with IgnoreColumns",
            Fails("0,1\n1,x\n", new CsvFormat()));

    [Fact]
    public void A_model_without_categories_refuses_text_in_its_numeric_columns()
    {
        var numbers = new TableEncoding([new ColumnEncoding("x", null, null), new ColumnEncoding("y", null, null)], null);

        Assert.Equal("d.csv: line 2, column 1: value \"red\" is not a number; the model reads column 1 (\"x\") as numbers",
            Fails("x,y\nred,1\n", CsvFormat.FeaturesOnly() with { Categories = CsvCategories.Of(numbers) }));
    }

    [Fact]
    public void A_test_file_shares_the_training_files_codes()
    {
        using var dir = new TempDirectory();
        string train = dir.WriteText("train.csv", "c,l\nred,0\nblue,1\nred,1\n");
        string test = dir.WriteText("test.csv", "c,l\nblue,0\ngreen,1\n");

        var split = CsvReader.LoadSplit(train, test, new CsvFormat(-1), 0.2, seed: 0);

        Assert.Equal(["red", "blue", "green"], split.Categories!.Texts(0));
        Assert.Equal([1f, 2f], split.Test.ToFloat32());
    }
}
