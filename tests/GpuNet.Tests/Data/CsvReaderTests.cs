namespace GpuNet.Tests.Data;

public sealed class CsvReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CsvTable Read(string text, int labelColumn = 0, bool? header = null)
        => CsvReader.Read(new StringReader(text), "d.csv", new CsvFormat(labelColumn, header));

    private static string Fails(string text, int labelColumn = 0, bool? header = null)
        => Assert.Throws<DataException>(() => Read(text, labelColumn, header)).Message;

    [Fact]
    public void Header_is_detected_from_a_non_numeric_cell()
    {
        CsvTable table = Read("label,x,y\n1,0.5,2\n0,-1.5e1,3\n");
        Assert.Equal([1, 0], table.Labels);
        Assert.Equal([0.5f, 2f, -15f, 3f], table.Features);
        Assert.Equal(2, table.FeatureCount);
    }

    [Fact]
    public void All_numeric_first_row_is_data()
        => Assert.Equal(2, Read("1,2,3\n0,4,5\n").Count);

    [Fact]
    public void Header_option_overrides_detection()
    {
        Assert.Equal(1, Read("1,2,3\n0,4,5\n", header: true).Count);
        var data = Read("a,b\n1,2\n", header: false); // the first row is data: its text makes column 2 categorical
        Assert.Equal(2, data.Count);
        Assert.Equal(["b", "2"], data.Categories.Texts(0));
    }

    [Fact]
    public void Label_column_may_be_last()
    {
        CsvTable table = Read("x,y,label\n0.5,2,1\n3,4,2\n", labelColumn: -1);
        Assert.Equal([1, 2], table.Labels);
        Assert.Equal([0.5f, 2f, 3f, 4f], table.Features);
    }

    [Fact]
    public void Label_column_in_the_middle_is_skipped_from_features()
        => Assert.Equal([1f, 3f], Read("1,7,3\n", labelColumn: 1).Features);

    [Fact]
    public void Whitespace_blank_lines_quotes_and_other_separators_are_accepted()
    {
        Assert.Equal([1f, 2f, 3f, 4f], Read("\n  0 ; 1 ; 2 \n\n1;3;4\r\n\n").Features);
        Assert.Equal([1f, 2f], Read("\"label\"\t\"x\"\t\"y\"\n0\t1\t2\n").Features);
    }

    [Fact]
    public void Ragged_row_names_line_and_expected_width()
        => Assert.Equal("d.csv: line 4: expected 3 columns, found 2", Fails("l,a,b\n0,1,2\n\n1,2\n"));

    [Fact]
    public void Non_numeric_cell_names_line_column_and_text()
        => Assert.StartsWith("d.csv: line 3, column 3: value \"1,5\" is not a number;",
            Fails("0;1;2\n1;2;3\n1;2;1,5\n"));

    [Fact]
    public void Long_bad_cell_is_cut_short_in_the_message()
    {
        string message = Fails("0,1\n1," + new string('z', 5000) + "\n");
        Assert.Contains("\"zzzzzzzzzzzzzzzzzzzzzzzz...\" is not a number", message);
        Assert.True(message.Length < 200, message);
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e999")]
    public void Nan_and_infinities_are_refused(string cell)
        => Assert.Equal($"d.csv: line 2, column 2: value \"{cell}\" is NaN or infinite", Fails($"0,1\n1,{cell}\n"));

    [Fact]
    public void Float32_overflow_is_refused()
        => Assert.Contains("is out of the float32 range", Fails("0,1e300\n"));

    [Theory]
    [InlineData("", "d.csv: empty file: no rows")]
    [InlineData("\n  \n", "d.csv: empty file: no rows")]
    [InlineData("label,x\n", "d.csv: no data rows after the header")]
    public void Empty_files_are_refused(string text, string message)
        => Assert.Equal(message, Fails(text));

    [Theory]
    [InlineData("1.5", "label \"1.5\" is not an integer")]
    [InlineData("70000", "label \"70000\" is over the limit of 65535")]
    [InlineData("", "empty label")]
    public void Bad_labels_are_refused(string label, string problem)
        => Assert.StartsWith($"d.csv: line 2, column 1: {problem}", Fails($"0,1\n{label},2\n"));

    [Fact]
    public void Integral_float_labels_are_accepted()
        => Assert.Equal([2], Read("2.0,1\n").Labels);

    [Theory]
    [InlineData(3)]
    [InlineData(-4)]
    public void Label_column_out_of_range_is_refused(int column)
        => Assert.Equal($"d.csv: line 1: label column {column} is out of range: rows have 3 columns (use 0..2, or -1..-3 from the end)",
            Fails("0,1,2\n", labelColumn: column));

    [Fact]
    public void A_single_column_has_no_features()
        => Assert.Contains("found 1 column", Fails("0\n1\n"));

    [Fact]
    public void Separate_test_file_must_have_the_same_width()
    {
        string train = _dir.WriteText("train.csv", "0,1,2\n1,3,4\n");
        string test = _dir.WriteText("test.csv", "0,1\n");
        var e = Assert.Throws<DataException>(() => CsvReader.LoadSplit(train, test, new CsvFormat(), 0.2, seed: 0));
        Assert.Equal($"{test}: rows have 1 feature columns, but the training file {train} has 2", e.Message);
    }

    [Fact]
    public void Class_count_spans_train_and_test()
    {
        string train = _dir.WriteText("train.csv", "0,1\n1,3\n");
        string test = _dir.WriteText("test.csv", "4,1\n");
        DataSplit split = CsvReader.LoadSplit(train, test, new CsvFormat(), 0.2, seed: 0);
        Assert.Equal((5, 5), (split.Train.ClassCount, split.Test.ClassCount));
        Assert.Equal((2, 1), (split.Train.Count, split.Test.Count));
    }

    [Fact]
    public void Without_a_test_file_a_seeded_fraction_is_held_out()
    {
        string text = string.Concat(Enumerable.Range(0, 100).Select(i => $"{i % 3},{i}\n"));
        string path = _dir.WriteText("d.csv", text);
        DataSplit a = CsvReader.LoadSplit(path, null, new CsvFormat(), 0.25, seed: 5);
        DataSplit b = CsvReader.LoadSplit(path, null, new CsvFormat(), 0.25, seed: 5);
        DataSplit c = CsvReader.LoadSplit(path, null, new CsvFormat(), 0.25, seed: 6);
        Assert.Equal((75, 25, 3), (a.Train.Count, a.Test.Count, a.Train.ClassCount));
        Assert.Equal(a.Test.Floats!, b.Test.Floats!);
        Assert.NotEqual(a.Test.Floats!, c.Test.Floats!);
        // Every row lands in exactly one half.
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), a.Train.Floats!.Concat(a.Test.Floats!).Order());
    }

    [Fact]
    public void One_class_is_not_a_classification_problem()
    {
        string path = _dir.WriteText("d.csv", "0,1\n0,2\n");
        Assert.Contains("every label is \"0\"", Assert.Throws<DataException>(() => CsvReader.LoadSplit(path, null, new CsvFormat(), 0.5, 0)).Message);
    }

    [Theory]
    [InlineData("1", "\"1\"")]
    [InlineData("7.0", "\"7\"")]
    [InlineData("cat", "\"cat\"")]
    public void A_single_class_is_refused_whatever_its_label(string label, string shown)
    {
        string path = _dir.WriteText("d.csv", $"{label},1\n{label},2\n{label},3\n");
        var error = Assert.Throws<DataException>(() => CsvReader.LoadSplit(path, null, new CsvFormat(), 0.5, 0));
        Assert.Contains($"every label is {shown}; a classifier needs at least two classes", error.Message);
    }

    [Fact]
    public void Whitespace_inside_quotes_belongs_to_the_label_and_outside_them_does_not()
    {
        var table = CsvReader.Read(new StringReader("\"a\",1\n\" a\",2\n  a  ,3\n"), "t.csv", new CsvFormat());
        Assert.Equal([" a", "a"], table.Classes.Names);
        Assert.Equal(table.Labels[0], table.Labels[2]);
        Assert.NotEqual(table.Labels[0], table.Labels[1]);
    }

    [Fact]
    public void A_quote_left_open_over_the_parsers_limit_names_the_file_and_line()
    {
        string text = "1,2\n3,4\n5,\"" + new string('9', 17 << 20) + "\n";
        var error = Assert.Throws<DataException>(() => CsvReader.Read(new StringReader(text), "big.csv", new CsvFormat()));
        Assert.StartsWith("big.csv: line 3: a row or field over the parser's limit", error.Message);
    }

    [Fact]
    public void Missing_file_and_directory_are_data_errors()
    {
        string missing = Path.Combine(_dir.Path, "none.csv");
        Assert.Equal($"{missing}: file not found", Assert.Throws<DataException>(() => CsvReader.Read(missing, new CsvFormat())).Message);
        Assert.Contains("is a directory", Assert.Throws<DataException>(() => CsvReader.Read(_dir.Path, new CsvFormat())).Message);
    }

    [Fact]
    public void Text_labels_are_classes_in_sorted_order_and_a_header_is_told_by_its_feature_cells()
    {
        // The first row's label is text, but its features are numbers: it is data, not a header.
        CsvTable table = Read("5.1,setosa\n6.3,virginica\n5.9,versicolor\n4.9,setosa\n", labelColumn: -1);

        Assert.Equal(["setosa", "versicolor", "virginica"], table.Classes.Names);
        Assert.Equal([0, 2, 1, 0], table.Labels);
        Assert.Equal(4, table.Count);
        Assert.Equal(2, Read("x,species\n5.1,setosa\n6.3,virginica\n", labelColumn: -1).Count);
    }

    [Fact]
    public void Numeric_labels_with_negatives_are_classes_in_numeric_order_like_label_encoder()
    {
        CsvTable table = Read("1,0.5\n-1,2\n10,3\n", labelColumn: 0);
        Assert.Equal(["-1", "1", "10"], table.Classes.Names);
        Assert.Equal([1, 0, 2], table.Labels);
    }

    [Fact]
    public void A_test_file_with_a_class_the_training_file_lacks_names_it_and_its_line()
    {
        string train = _dir.WriteText("train.csv", "x,y\n1,cat\n2,dog\n");
        string test = _dir.WriteText("test.csv", "x,y\n1,dog\n2,emu\n3,emu\n");
        var e = Assert.Throws<DataException>(() => CsvReader.LoadSplit(train, test, new CsvFormat(-1), 0.2, seed: 0));
        Assert.Equal($"{test}: line 3, column 2: label \"emu\" is not one of the 2 classes (\"cat\", \"dog\")", e.Message);
    }

    [Fact]
    public void Given_classes_encode_a_file_that_lacks_some_of_them()
    {
        string path = _dir.WriteText("d.csv", "1,b\n2,c\n3,b\n4,c\n");
        DataSplit split = CsvReader.LoadSplit(path, null, new CsvFormat(-1) { Classes = ["a", "b", "c"] }, 0.5, seed: 0);
        Assert.Equal(3, split.Train.ClassCount);
        Assert.All(split.Train.Labels.Concat(split.Test.Labels), l => Assert.InRange(l, 1, 2));
        Assert.Equal(["a", "b", "c"], split.Test.ClassNames);
    }

    [Fact]
    public void Quoted_fields_follow_rfc_4180()
    {
        // A quoted separator in the header (as pandas writes it), a quoted line break, doubled quotes, a quoted number.
        string text = "\"x,coord\",\"y\nsecond line\",label\n\"1.5\",2,\"say \"\"hi\"\"\"\n3,\"4\",\"a, b\"\n";
        CsvTable table = Read(text, labelColumn: -1);

        Assert.Equal(2, table.FeatureCount);
        Assert.Equal([1.5f, 2f, 3f, 4f], table.Features);
        Assert.Equal(["a, b", "say \"hi\""], table.Classes.Names);
        Assert.Equal([1, 0], table.Labels);
    }

    [Fact]
    public void Line_numbers_count_the_line_breaks_inside_quotes()
        => Assert.StartsWith("d.csv: line 5, column 1: value \"oops\" is not a number;",
            Fails("l,\"a\nb\"\n0,\"1\n\"\noops,1\n", labelColumn: 1));
}
