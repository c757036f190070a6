namespace GpuNet.Tests.Data;

/// <summary>
/// Fitting and applying a <see cref="TableEncoding"/> as scikit-learn's OneHotEncoder(handle_unknown='ignore') and
/// SimpleImputer do: sorted categories, fills from the training rows alone, an unseen category all zeros.
/// </summary>
public sealed class TableEncodingTests
{
    /// <summary>The CSV's rows (label last) as the raw set they are read into, and the categories read.</summary>
    private static (Dataset Rows, CsvCategories Read) Read(string csv, params string[] categorical)
    {
        var table = CsvReader.Read(new StringReader(csv), "d.csv", new CsvFormat(-1) { AllowMissing = true, Categorical = categorical });
        return (new Dataset("d.csv", table.Features, table.Labels, table.FeatureCount, 2), table.Categories);
    }

    private static TableEncoding Fit(string csv, ImputeStrategy? impute = null, params string[] categorical)
    {
        var (rows, read) = Read(csv, categorical);
        return TableEncodings.Fit(rows, read, impute, null)!;
    }

    [Fact]
    public void Categories_sort_as_scikit_learn_sorts_them()
    {
        var text = Fit("c,l\nb,0\nB,1\na,0\nb,1\n");
        var codes = Fit("g,l\n10,0\n9,1\n1.5,0\n01,1\n1.0,0\n", categorical: "g");

        var astral = Fit("c,l\n\U0001F600,0\n\uFF01,1\n");

        Assert.Equal(["B", "a", "b"], text.Columns[0].Categories!); // by code point, as Python sorts str
        Assert.Equal(["\uFF01", "\U0001F600"], astral.Columns[0].Categories!); // U+FF01 < U+1F600, though its UTF-16 unit is larger
        Assert.Equal(["1", "1.5", "9", "10"], codes.Columns[0].Categories!); // by value; 01 and 1.0 are one category
    }

    [Theory]
    [InlineData(ImputeStrategy.Mean, "3")]
    [InlineData(ImputeStrategy.Median, "2.5")] // the mean of the middle two
    [InlineData(ImputeStrategy.MostFrequent, "1")]
    public void Numeric_fills_come_from_the_training_rows(ImputeStrategy strategy, string fill)
        => Assert.Equal(fill, Fit("x,l\n1,0\n4,1\nNA,0\n1,1\n6,0\n,1\n", strategy).Columns[0].Fill);

    [Fact]
    public void A_numeric_tie_for_most_frequent_takes_the_smaller_value()
        => Assert.Equal("1", Fit("x,l\n4,0\n1,1\n4,0\n1,1\n", ImputeStrategy.MostFrequent).Columns[0].Fill);

    [Theory]
    [InlineData(ImputeStrategy.Mean)]
    [InlineData(ImputeStrategy.MostFrequent)]
    public void A_categorical_column_takes_its_most_frequent_category_under_every_strategy(ImputeStrategy strategy)
        => Assert.Equal("dog", Fit("c,l\nemu,0\ndog,1\ncat,0\nemu,1\ndog,0\nNA,1\n", strategy).Columns[0].Fill); // dog and emu tie: dog sorts first

    [Fact]
    public void An_unseen_category_is_all_zeros_and_a_missing_cell_takes_the_fill()
    {
        var (train, read) = Read("c,x,l\nred,1,0\nblue,3,1\nred,,0\n");
        var encoding = TableEncodings.Fit(train, read, ImputeStrategy.Mean, ["c", "x"])!;
        var table = CsvReader.Read(new StringReader("c,x,l\npurple,5,0\n,7,1\nblue,NaN,0\n"), "t.csv",
            new CsvFormat(-1) { AllowMissing = true, Categories = CsvCategories.Of(encoding) });

        float[] inputs = encoding.Apply(table.Features, table.Count, table.Categories);

        Assert.Equal(["blue", "red"], encoding.Columns[0].Categories!);
        Assert.Equal([0f, 0f, 5f, 0f, 1f, 7f, 1f, 0f, 2f], inputs);
        Assert.Equal(["c=blue", "c=red", "x"], encoding.InputNames());
    }

    [Fact]
    public void Without_categories_or_an_imputer_there_is_nothing_to_encode()
    {
        var (rows, read) = Read("x,y,l\n1,2,0\n3,4,1\n");

        Assert.Null(TableEncodings.Fit(rows, read, null, null));
    }

    [Fact]
    public void A_column_without_a_value_in_the_training_rows_is_refused()
    {
        var (rows, read) = Read("x,y,l\n1,,0\n3,NA,1\n");

        Assert.Equal("d.csv: feature column \"y\" has no value in the training rows: drop it, or give it values",
            Assert.Throws<DataException>(() => TableEncodings.Fit(rows, read, ImputeStrategy.Median, ["x", "y"])).Message);
    }

    [Fact]
    public void The_encoding_is_fitted_on_the_training_rows_alone()
    {
        using var dir = new TempDirectory();
        string train = dir.WriteText("train.csv", "c,x,l\nred,1,0\nblue,3,1\nred,,1\n");
        string test = dir.WriteText("test.csv", "c,x,l\ngreen,1000,0\nblue,,1\n");
        var split = CsvReader.LoadSplit(train, test, new CsvFormat(-1) { AllowMissing = true }, 0.2, seed: 0);

        var (loaded, encoded, _) = TableEncodings.Encode(split, split.Train, null, ImputeStrategy.Mean);

        Assert.Equal(["blue", "red"], loaded.Encoding!.Columns[0].Categories!); // green is only in the test file
        Assert.Equal("2", loaded.Encoding.Columns[1].Fill); // the mean of 1 and 3, not of the test file's 1000
        Assert.Equal([0f, 1f, 1f, 1f, 0f, 3f, 0f, 1f, 2f], encoded.ToFloat32());
        Assert.Equal([0f, 0f, 1000f, 1f, 0f, 2f], loaded.Test.ToFloat32());
    }
}
