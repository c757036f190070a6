namespace GpuNet.Tests.Cli;

/// <summary>
/// Random argument vectors for every verb (seeded): random flags, values at and beyond their limits, empty
/// strings, unknown options. Whatever the vector, gpunet ends with an exit code in {0, 1, 2, 3, 130, 143},
/// prints no stack trace and no "internal error", and writes no file outside --out, --output, --resume,
/// --csv or --plot. Runs in-process; every vector that could train for long is kept small (few samples,
/// one or two epochs, a tiny model, one timed step), so 2,000 of them take seconds.
/// </summary>
public sealed class CliPropertyTests : IDisposable
{
    private const int Vectors = 2000;
    private static readonly int[] AllowedExitCodes = [0, 1, 2, 3, 130, 143];
    private static readonly string[] Numbers = ["", " ", "0", "-1", "1", "2", "0.5", "-0.5", "1e39", "-1e39", "1e-45", "NaN", "inf", "abc", "1,2", "2147483648"];
    private static readonly string[] Integers = ["", "0", "-1", "1", "2", "3", "2147483647", "-2147483648", "2147483648", "abc", "1.5", "0x10"];
    private static readonly string[] OutputOptions = ["--out", "--output", "--resume", "--csv", "--plot"];
    private static readonly string[] Devices = ["cpu", "tpu", "", "cuda:9", "opencl:x", "auto:1"];

    private readonly TempDirectory _dir = new();
    private readonly string _csv, _model, _previousRun, _missing, _textFile;
    private int _counter;

    public CliPropertyTests()
    {
        _csv = _dir.WriteText("data.csv", string.Join("\n", Enumerable.Range(0, 40).Select(i => $"{i % 2},{i % 2 + i * 0.01},{i * 0.02}")) + "\n");
        _textFile = _dir.WriteText("notes.txt", "not a model\n");
        _missing = Path.Combine(_dir.Path, "missing.csv");
        _previousRun = Path.Combine(_dir.Path, "previous");
        var run = CliRun.Of("train", "--data", "blobs", "--model", "softmax", "--samples", "100", "--epochs", "1", "--device", "cpu", "--quiet", "--out", _previousRun);
        Assert.True(run.ExitCode == 0, run.ToString());
        _model = Path.Combine(_previousRun, RunCheckpoints.LastFile);
    }

    [Slow]
    [Fact]
    public void Two_thousand_random_argument_vectors_end_in_a_documented_exit_code_without_a_trace_or_a_stray_file()
    {
        var random = new Random(20261201);
        var cwdBefore = Directory.GetFileSystemEntries(Environment.CurrentDirectory).Order().ToArray();
        var violations = new List<string>();
        // One listing per vector: the one after a run is the one before the next (nothing else writes here), and the
        // folder grows by every run's outputs, so listing it twice a run was much of the test's time.
        var before = Files();
        for (int i = 0; i < Vectors && violations.Count < 5; i++)
        {
            var (args, outputs) = Vector(random);
            var run = CliRun.Of(args);
            var after = Files();
            var written = after.Where(f => !before.TryGetValue(f.Key, out var stamp) || stamp != f.Value).Select(f => f.Key)
                .Where(f => !outputs.Any(o => f == o || f.StartsWith(o + Path.DirectorySeparatorChar, StringComparison.Ordinal))).ToList();
            before = after;
            string? problem = !AllowedExitCodes.Contains(run.ExitCode) ? $"exit {run.ExitCode}"
                : run.Stderr.Contains("   at ", StringComparison.Ordinal) || run.Stdout.Contains("   at ", StringComparison.Ordinal) ? "a stack trace"
                : run.Stderr.Contains("internal error", StringComparison.Ordinal) ? "an unforeseen exception"
                : written.Count > 0 ? $"wrote {string.Join(", ", written)}"
                : null;
            if (problem is not null) violations.Add($"{problem}: gpunet {string.Join(" ", args.Select(a => $"'{a}'"))}\n{run}");
        }
        Assert.True(violations.Count == 0, string.Join("\n\n", violations));
        Assert.Equal(cwdBefore, Directory.GetFileSystemEntries(Environment.CurrentDirectory).Order().ToArray());
    }

    /// <summary>One argument vector, and the paths it may write (its --out, --output, --resume, --csv and --plot values).</summary>
    private (string[] Args, List<string> Outputs) Vector(Random random)
    {
        int n = _counter++;
        string outDir = Path.Combine(_dir.Path, $"out{n}");
        string[] dataSources = ["spirals", "blobs", "xor", "circles", _csv, _missing, "", "imagenet", _dir.Path, _textFile];
        string[] models = ["logistic", "softmax", "mlp", "svm", ""];
        string[] smallHidden = ["", "0", "4", "3,2", "10000000", "2147483647", "a", "4,,3", "-4"];
        var (verb, baseArgs, pools) = random.Next(13) switch
        {
            < 5 => ("train",
                new Dictionary<string, string?> { ["--data"] = "spirals", ["--samples"] = "64", ["--epochs"] = "1", ["--device"] = "cpu", ["--quiet"] = null, ["--hidden"] = "4" },
                new Dictionary<string, string[]>
                {
                    ["--data"] = dataSources, ["--samples"] = ["", "0", "-1", "2", "3", "64", "abc", "2147483648"], ["--epochs"] = ["", "0", "-1", "1", "2", "abc", "2147483648"],
                    ["--hidden"] = smallHidden, ["--batch-size"] = Integers, ["--lr"] = Numbers, ["--momentum"] = Numbers, ["--weight-decay"] = Numbers,
                    ["--lr-gamma"] = Numbers, ["--warmup"] = Numbers, ["--clip-norm"] = Numbers, ["--val-fraction"] = Numbers, ["--test-fraction"] = Numbers,
                    ["--noise"] = Numbers, ["--lr-step"] = Integers, ["--early-stopping"] = Integers, ["--label-column"] = Integers, ["--classes"] = ["", "0", "1", "2", "5", "abc", "2147483647"],
                    ["--seed"] = Integers, ["--plot-every"] = ["", "0", "1", "-1", "abc"], ["--model"] = models, ["--activation"] = ["relu", "tanh", "identity", ""],
                    ["--init"] = ["auto", "zeros", "he", "bad"], ["--lr-schedule"] = ["cosine", "step", "bad", ""], ["--device"] = Devices,
                    ["--out"] = [outDir, "", _textFile, _previousRun], ["--resume"] = [_previousRun, "", _missing, _dir.Path, outDir],
                    ["--init-from"] = [_model, _missing, "", _textFile], ["--test-data"] = [_csv, "", _missing], ["--data-dir"] = ["", _dir.Path],
                    ["--class-weight"] = ["none", "balanced", "1,2", "1,2,3", "0,1", "", "x"], ["--overwrite"] = [], ["--nesterov"] = [], ["--no-shuffle"] = [], ["--json"] = [], ["--header"] = [],
                }),
            < 7 => ("eval",
                new Dictionary<string, string?> { ["--checkpoint"] = _model, ["--data"] = "blobs", ["--device"] = "cpu" },
                new Dictionary<string, string[]>
                {
                    ["--checkpoint"] = [_model, _missing, _dir.Path, "", _textFile, _csv], ["--data"] = dataSources, ["--batch-size"] = Integers, ["--seed"] = Integers,
                    ["--samples"] = ["", "0", "-1", "2", "64"], ["--classes"] = ["", "1", "3", "abc"], ["--test-fraction"] = Numbers, ["--test-data"] = [_csv, "", _missing],
                    ["--label-column"] = Integers, ["--device"] = Devices, ["--all-rows"] = [], ["--json"] = [], ["--header"] = [],
                }),
            < 9 => ("predict",
                new Dictionary<string, string?> { ["--checkpoint"] = _model, ["--input"] = _csv, ["--device"] = "cpu" },
                new Dictionary<string, string[]>
                {
                    ["--checkpoint"] = [_model, _missing, _dir.Path, "", _textFile], ["--input"] = [_csv, _missing, _dir.Path, "", _model, _textFile],
                    ["--output"] = [Path.Combine(_dir.Path, $"pred{n}.csv"), "", _model, _csv, "-", _dir.Path], ["--batch-size"] = Integers,
                    ["--device"] = Devices, ["--header"] = [],
                }),
            < 10 => ("export",
                new Dictionary<string, string?> { ["--checkpoint"] = _model, ["--output"] = Path.Combine(_dir.Path, $"model{n}.onnx") },
                new Dictionary<string, string[]>
                {
                    ["--checkpoint"] = [_model, _missing, _dir.Path, "", _textFile, _csv],
                    ["--output"] = [Path.Combine(_dir.Path, $"model{n}.onnx"), "", _model, _dir.Path, Path.Combine(_textFile, "x.onnx"), Path.Combine(outDir, "sub", "m.onnx")],
                    ["--activation"] = ["relu", "sigmoid", "tanh", "identity", ""],
                }),
            < 11 => ("bench",
                new Dictionary<string, string?> { ["--data"] = "random", ["--samples"] = "64", ["--batch-sizes"] = "8", ["--sizes"] = null, ["--steps"] = "1", ["--warmup-steps"] = "0", ["--device"] = "cpu", ["--hidden"] = "4" },
                new Dictionary<string, string[]>
                {
                    ["--op"] = ["train", "gemm", "x", ""], ["--sizes"] = ["8", "", "0", "100000", "2147483647", "a"], ["--batch-sizes"] = ["8", "", "0", "2147483647", "100000", "a,b"],
                    ["--steps"] = ["1", "0", "-1", "", "abc"], ["--seconds"] = Numbers, ["--window"] = ["1", "0", "-1", "abc", "2147483647"], ["--warmup-steps"] = ["0", "-1", "abc", "1"],
                    ["--csv"] = [Path.Combine(_dir.Path, $"bench{n}.csv"), ""], ["--plot"] = [Path.Combine(_dir.Path, $"bench{n}.png"), Path.Combine(_dir.Path, $"bench{n}.txt"), ""],
                    ["--samples"] = ["64", "0", "-1", "2"], ["--seed"] = Integers, ["--hidden"] = smallHidden, ["--model"] = models, ["--device"] = Devices,
                    ["--data"] = ["random", "blobs", _missing, ""], ["--profile"] = [], ["--json"] = [],
                }),
            < 12 => ("gradcheck",
                new Dictionary<string, string?> { ["--device"] = "cpu", ["--inputs"] = "3", ["--rows"] = "4", ["--hidden"] = "3" },
                new Dictionary<string, string[]>
                {
                    ["--model"] = models, ["--hidden"] = ["3", "", "0", "2147483647", "a", "3,2"], ["--inputs"] = ["3", "0", "-1", "", "2147483647"],
                    ["--rows"] = ["4", "0", "-1", "", "2147483647"], ["--classes"] = ["3", "1", "2", "-1", "2147483647"], ["--threshold"] = Numbers,
                    ["--seed"] = Integers, ["--activation"] = ["tanh", "relu", "identity", ""], ["--device"] = Devices,
                }),
            _ => (random.Next(2) == 0 ? "selftest" : "devices",
                new Dictionary<string, string?>(),
                new Dictionary<string, string[]> { ["--device"] = ["cpu", "tpu", "", "cuda:9", "opencl:7"], ["--time"] = ["", "8", "axb", "0"], ["--seconds"] = Numbers, ["--json"] = [] }),
        };
        if (verb == "bench") baseArgs["--sizes"] = null; // only with --op gemm, below
        var chosen = new Dictionary<string, string?>(baseArgs.Where(p => p.Value is not null || p.Key.StartsWith("--q", StringComparison.Ordinal)));
        foreach (var key in pools.Keys.OrderBy(_ => random.Next()).Take(random.Next(1, 5)))
            chosen[key] = pools[key].Length == 0 ? null : pools[key][random.Next(pools[key].Length)];
        if (chosen.TryGetValue("--op", out var op) && op == "gemm" && !chosen.ContainsKey("--sizes")) chosen["--sizes"] = "8"; // the default sizes take seconds
        var args = new List<string> { verb };
        foreach (var (key, value) in chosen)
        {
            args.Add(key);
            if (value is not null) args.Add(value);
        }
        if (random.Next(20) == 0) args.Insert(random.Next(1, args.Count + 1), random.Next(2) == 0 ? "--no-such-option" : "stray");
        var outputs = OutputOptions
            .Where(chosen.ContainsKey).Select(k => chosen[k]).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => Path.GetFullPath(v!)).ToList();
        return (args.ToArray(), outputs);
    }

    /// <summary>Every file under the test folder, with its size and time of last change (as the listing read them: no second look per file).</summary>
    private Dictionary<string, (long, DateTime)> Files() =>
        new DirectoryInfo(_dir.Path).EnumerateFiles("*", SearchOption.AllDirectories).ToDictionary(f => f.FullName, f => (f.Length, f.LastWriteTimeUtc));

    public void Dispose() => _dir.Dispose();
}
