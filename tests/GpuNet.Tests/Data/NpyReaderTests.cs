using System.Diagnostics;
using GpuNet.Cli;

namespace GpuNet.Tests.Data;

public sealed class NpyReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Labels(string name, params long[] labels) => _dir.Write(name, NpyTestFiles.Build("<i8", $"({labels.Length},)", NpyTestFiles.Longs(labels)));

    private static DataSplit Load(string features, string labels, string? testFeatures = null, string? testLabels = null) =>
        DataSources.Load(new DataOptions { Source = features, Labels = labels, TestData = testFeatures, TestLabels = testLabels, TestFraction = 0.25 });

    private DataException Fails(byte[] features, string? labelsFile = null)
    {
        string path = _dir.Write("bad.npy", features);
        return Assert.Throws<DataException>(() => Load(path, labelsFile ?? Labels("l.npy", 0, 1, 0, 1)));
    }

    [Fact]
    public void Uint8_features_stay_bytes_with_their_labels()
    {
        byte[] pixels = Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray();
        string x = _dir.Write("x.npy", NpyTestFiles.Build("|u1", "(4, 3)", pixels));
        string test = _dir.Write("t.npy", NpyTestFiles.Build("|u1", "(1, 3)", [7, 8, 9]));
        var split = Load(x, Labels("y.npy", 1, 0, 2, 1), test, Labels("ty.npy", 2));
        Assert.Equal(pixels, split.Train.Bytes);
        Assert.Equal(1f, split.Train.ByteDivisor); // raw values: --standardize auto scales .npy data
        Assert.Equal([1, 0, 2, 1], split.Train.Labels);
        Assert.Equal((3, 3), (split.Train.ClassCount, split.Train.FeatureCount));
        Assert.Equal([7, 8, 9], split.Test.Bytes);
    }

    [Theory]
    [InlineData("<f2", 1)]
    [InlineData("<f4", 2)]
    [InlineData("<f8", 3)]
    public void Float_features_of_every_width_and_version_become_float32(string descr, int version)
    {
        float[] values = [0.5f, -2f, 3.25f, 1024f, -0.125f, 7f];
        byte[] data = descr switch
        {
            "<f2" => NpyTestFiles.Halves(values),
            "<f4" => NpyTestFiles.Floats(values),
            _ => NpyTestFiles.Doubles(values.Select(v => (double)v).ToArray()),
        };
        string x = _dir.Write("x.npy", NpyTestFiles.Build(descr, "(3, 2)", data, major: version));
        string t = _dir.Write("t.npy", NpyTestFiles.Build(descr, "(3, 2)", data, major: version));
        var split = Load(x, Labels("y.npy", 0, 1, 1), t, Labels("ty.npy", 0, 1, 1));
        Assert.Equal(values, split.Train.Floats);
        Assert.Null(split.Train.Bytes);
    }

    [Fact]
    public void Without_test_files_the_split_is_seeded_and_every_row_lands_once()
    {
        float[] values = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();
        string x = _dir.Write("x.npy", NpyTestFiles.Build("<f4", "(40, 1)", NpyTestFiles.Floats(values)));
        string y = Labels("y.npy", Enumerable.Range(0, 40).Select(i => (long)(i % 2)).ToArray());
        var a = Load(x, y);
        Assert.Equal((30, 10), (a.Train.Count, a.Test.Count));
        Assert.Equal(values, a.Train.Floats!.Concat(a.Test.Floats!).Order());
        Assert.Equal(a.Test.Floats, Load(x, y).Test.Floats);
        // Labels travel with their rows.
        Assert.All(Enumerable.Range(0, 30), i => Assert.Equal((int)a.Train.Floats![i] % 2, a.Train.Labels[i]));
    }

    [Fact]
    public void Class_names_come_from_the_file_beside_the_labels()
    {
        string x = _dir.Write("x.npy", NpyTestFiles.Build("|u1", "(2, 1)", [1, 2]));
        string y = Labels("y.npy", 0, 1);
        _dir.WriteText("y.classes.txt", "cat\ndog\nbird\n");
        var split = Load(x, y, x, y);
        Assert.Equal(["cat", "dog", "bird"], split.Train.ClassNames);
    }

    [Fact]
    public void A_json_class_names_file_holds_any_string_and_wins_over_the_text_file()
    {
        string x = _dir.Write("x.npy", NpyTestFiles.Build("|u1", "(2, 1)", [1, 2]));
        string y = Labels("y.npy", 0, 1);
        _dir.WriteText("y.classes.txt", "old\nnames\n");
        _dir.WriteText("y.classes.json", "[\"two\\nlines\", \"a, b\"]");
        Assert.Equal(["two\nlines", "a, b"], Load(x, y, x, y).Train.ClassNames);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(5L)]
    public void Labels_of_one_class_are_refused_whatever_the_class(long label)
    {
        string x = _dir.Write("x.npy", NpyTestFiles.Build("|u1", "(4, 1)", [1, 2, 3, 4]));
        string y = Labels("y.npy", label, label, label, label);
        Assert.Contains($"every label is {label}; a classifier needs at least two classes", Assert.Throws<DataException>(() => Load(x, y)).Message);
    }

    [Fact]
    public void A_finite_float64_beyond_float32s_range_is_called_out_of_range_not_infinity()
    {
        string path = Path.Combine(_dir.Path, "bad.npy");
        var error = Fails(NpyTestFiles.Build("<f8", "(4, 1)", NpyTestFiles.Doubles(1, 2, 1e300, 4)));
        Assert.Equal($"{path}: value at row 2, column 0 is 1.0000000000000001E+300, beyond float32's range (±3.40282347E+38): features are read as float32; scale them", error.Message);
        Assert.Contains("must be finite", Fails(NpyTestFiles.Build("<f8", "(4, 1)", NpyTestFiles.Doubles(1, 2, double.PositiveInfinity, 4))).Message);
    }

    [Fact]
    public void Labels_that_take_more_bytes_than_an_array_holds_are_refused_before_anything_is_allocated()
    {
        // 1.5e9 labels up to 70,000 take 4 bytes each: 6 GB, which .NET reported as "Array dimensions exceeded supported range".
        var error = Assert.Throws<DataException>(() => ClassLabels.Create(1_500_000_000, 70_000, _ => throw new InvalidOperationException("read before the check")));
        Assert.Equal("labels: 1,500,000,000 labels up to 70000 take 6,000,000,000 bytes (4 each), over the 2,147,483,591 one array holds", error.Message);
    }

    [Fact]
    public void Header_errors_name_the_file_and_the_field()
    {
        var data = NpyTestFiles.Floats(1, 2, 3, 4);
        string path = Path.Combine(_dir.Path, "bad.npy");
        Assert.Equal($"{path}: not a .npy file: it does not start with the magic string \\x93NUMPY", Fails([0x93, (byte)'N', 1, 2, 3, 4, 5, 6, 7, 8, 9]).Message);
        Assert.Contains("header field 'version': 4.0 is not supported", Fails(NpyTestFiles.Build("<f4", "(2, 2)", data, major: 4)).Message);
        Assert.Contains("header field 'descr': dtype \">f4\" is big-endian", Fails(NpyTestFiles.Build(">f4", "(2, 2)", data)).Message);
        Assert.Contains("header field 'descr': dtype \"<c8\" is not supported", Fails(NpyTestFiles.Build("<c8", "(2, 1)", data)).Message);
        Assert.Contains("header field 'descr': a structured dtype",
            Fails(NpyTestFiles.Build("", "", data, dict: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }")).Message);
        Assert.Contains("header field 'fortran_order': True", Fails(NpyTestFiles.Build("<f4", "(2, 2)", data, fortran: "True")).Message);
        Assert.Contains("header field 'shape': (4,) is not 2-D", Fails(NpyTestFiles.Build("<f4", "(4,)", data)).Message);
        Assert.Contains("truncated: header field 'shape' (3, 2) promises 24 bytes of data, the file holds 16", Fails(NpyTestFiles.Build("<f4", "(3, 2)", data)).Message);
        Assert.Contains("4 bytes of trailing data", Fails(NpyTestFiles.Build("<f4", "(3, 1)", data)).Message);
        Assert.Contains("header field 'shape' is missing", Fails(NpyTestFiles.Build("", "", data, dict: "{'descr': '<f4', 'fortran_order': False}")).Message);
        Assert.Contains("header field 'shape': (4611686018427387904, 4) overflows", Fails(NpyTestFiles.Build("<f4", "(4611686018427387904, 4)", data)).Message);
        Assert.Contains("header is not a valid .npy dict", Fails(NpyTestFiles.Build("", "", data, dict: "{'descr': '<f4',")).Message);
        Assert.Equal($"{path}: value at row 1, column 0 is NaN: features must be finite",
            Fails(NpyTestFiles.Build("<f4", "(4, 1)", NpyTestFiles.Floats(1, float.NaN, 3, 4))).Message);
    }

    [Fact]
    public void Label_errors_name_the_labels_file()
    {
        var features = NpyTestFiles.Build("|u1", "(4, 1)", [1, 2, 3, 4]);
        string floatLabels = _dir.Write("fl.npy", NpyTestFiles.Build("<f4", "(4,)", NpyTestFiles.Floats(0, 1, 0, 1)));
        Assert.Equal($"{floatLabels}: header field 'descr': <f4 labels are not supported: expected an integer type", Fails(features, floatLabels).Message);
        string three = Labels("three.npy", 0, 1, 1);
        Assert.Equal($"{three}: holds 3 labels but {Path.Combine(_dir.Path, "bad.npy")} holds 4 rows", Fails(features, three).Message);
        string negative = Labels("neg.npy", 0, 1, -1, 1);
        Assert.Equal($"{negative}: label -1 at index 2 is out of range: expected 0..2147483646", Fails(features, negative).Message);
    }

    [Fact]
    public void Options_that_do_not_fit_a_npy_source_are_usage_errors()
    {
        string x = _dir.Write("x.npy", NpyTestFiles.Build("|u1", "(2, 1)", [1, 2]));
        Assert.Equal("--labels: '" + x + "' is a .npy features file: name its .npy labels too",
            SettingFlags.Describe(Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = x }))));
        Assert.Equal("--labels applies only to .npy features, not to 'blobs'",
            SettingFlags.Describe(Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = "blobs", Labels = x }))));
        Assert.Equal("--test-data of a .npy source needs --test-labels",
            SettingFlags.Describe(Assert.Throws<UsageException>(() => DataSources.Load(new DataOptions { Source = x, Labels = x, TestData = x }))));
    }

    /// <summary>Files NumPy itself wrote (every feature dtype, versions 1.0 and 2.0) read back as NumPy holds them.</summary>
    [Fact]
    public void Files_numpy_writes_read_back_exactly()
    {
        const string python = "/usr/bin/python3";
        string script = """
            import sys, numpy as np
            from numpy.lib import format as f
            d = sys.argv[1]
            x = (np.arange(12).reshape(4, 3) * 21.5 - 40)
            for t in ['u1', 'f2', 'f4', 'f8']:
                np.save(f'{d}/{t}.npy', (np.arange(12).reshape(4, 3) * 20).astype(t) if t == 'u1' else x.astype(t))
            for t in ['i1', 'u2', 'i4', 'u8']:
                np.save(f'{d}/y_{t}.npy', np.array([2, 0, 1, 2], dtype=t))
            with open(f'{d}/v2.npy', 'wb') as out:
                f.write_array(out, x.astype('f4'), version=(2, 0))
            """;
        if (!File.Exists(python) || Run(python, "-c \"import numpy\"") != 0)
            Assert.Skip($"{python} with numpy is not installed");
        string scriptFile = _dir.WriteText("write.py", script);
        Assert.Equal(0, Run(python, $"{scriptFile} {_dir.Path}"));
        float[] want = Enumerable.Range(0, 12).Select(i => (float)(i * 21.5 - 40)).ToArray();
        foreach (string t in new[] { "f2", "f4", "f8", "v2" })
        {
            string file = Path.Combine(_dir.Path, t + ".npy");
            Assert.Equal(want, Load(file, Path.Combine(_dir.Path, "y_i1.npy"), file, Path.Combine(_dir.Path, "y_i1.npy")).Train.Floats);
        }
        foreach (string t in new[] { "i1", "u2", "i4", "u8" })
        {
            string u1 = Path.Combine(_dir.Path, "u1.npy"), labels = Path.Combine(_dir.Path, $"y_{t}.npy");
            var split = Load(u1, labels, u1, labels);
            Assert.Equal([2, 0, 1, 2], split.Train.Labels);
            Assert.Equal(Enumerable.Range(0, 12).Select(i => (byte)(i * 20)), split.Train.Bytes!);
        }
    }

    private static int Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
