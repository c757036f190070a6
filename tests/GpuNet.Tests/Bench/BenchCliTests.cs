namespace GpuNet.Tests.Bench;

/// <summary>
/// <c>gpunet bench</c> end to end on small random data: the JSON and CSV contract, the table, the
/// chart, and usage errors. No timing thresholds: only that the figures are there and consistent.
/// </summary>
public sealed class BenchCliTests
{
    private static readonly string[] Quick = ["--samples", "64", "--steps", "3", "--warmup-steps", "1"];
    private static readonly string[] JsonFields =
        ["device", "model", "batch_size", "samples_per_second", "ms_per_step", "ms_per_step_p10", "ms_per_step_p90"];

    private static CliRun Bench(params string[] args) => CliRun.Of(["bench", .. Quick, .. args]);

    [Fact]
    public void Json_is_one_object_per_device_and_batch_size_with_exactly_the_documented_fields()
    {
        var run = Bench("--device", "cpu", "--batch-sizes", "4,16", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var rows = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal([4, 16], rows.Select(r => r.GetProperty("batch_size").GetInt32()));
        foreach (var row in rows)
        {
            Assert.Equal(JsonFields, row.EnumerateObject().Select(p => p.Name));
            Assert.Equal("cpu", row.GetProperty("device").GetString());
            Assert.Equal("mlp", row.GetProperty("model").GetString());
            double median = row.GetProperty("ms_per_step").GetDouble();
            Assert.True(median > 0);
            Assert.InRange(median, row.GetProperty("ms_per_step_p10").GetDouble(), row.GetProperty("ms_per_step_p90").GetDouble());
            Assert.Equal(row.GetProperty("batch_size").GetInt32() * 1000 / median, row.GetProperty("samples_per_second").GetDouble(), 6);
        }
        Assert.Contains("| cpu", run.Stderr); // with --json the table goes to stderr
    }

    [Slow]
    [Fact]
    public void Devices_may_be_comma_separated_or_repeated_and_each_gets_a_speedup_over_cpu()
    {
        var run = Bench("--model", "softmax", "--device", "cpu,ilgpu-cpu", "--device", "cpu", "--batch-sizes", "8");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("| cpu ") && l.TrimEnd().EndsWith("1.00× |"));
        Assert.Contains(lines, l => l.StartsWith("| ilgpu-cpu ") && l.Contains('×'));
        Assert.Equal(2, lines.Count(l => l.StartsWith("| cpu ") || l.StartsWith("| ilgpu-cpu ")));
        Assert.Contains("samples/s", run.Stdout);
    }

    [Fact]
    public void A_device_that_fails_keeps_the_figures_of_the_others_and_is_reported_in_one_line()
    {
        using var dir = new TempDirectory();
        string csv = Path.Combine(dir.Path, "bench.csv");

        var run = Bench("--model", "softmax", "--device", "cpu,cuda:7", "--batch-sizes", "8", "--json", "--csv", csv);

        Assert.Equal(2, run.ExitCode); // the failed device's own code: a script still sees that figures are missing
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(["cpu"], json.RootElement.EnumerateArray().Select(r => r.GetProperty("device").GetString()));
        Assert.Equal(2, File.ReadAllLines(csv).Length); // header and cpu's row
        Assert.Contains("| cpu ", run.Stderr);
        Assert.Single(run.Stderr.Split('\n'), l => l.StartsWith("gpunet: bench: no figures for --device cuda:7: ", StringComparison.Ordinal));
    }

    [Fact]
    public void With_every_device_failing_the_error_is_the_first_devices()
    {
        var run = Bench("--device", "cuda:7,cuda:8", "--batch-sizes", "8");

        run.AssertOneLineUsageError("cuda:7");
    }

    [Slow]
    [Fact]
    public void Csv_and_plot_files_are_written()
    {
        using var dir = new TempDirectory();
        string csv = Path.Combine(dir.Path, "bench.csv"), png = Path.Combine(dir.Path, "bench.png");

        var run = Bench("--model", "softmax", "--batch-sizes", "4,8,32", "--csv", csv, "--plot", png);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = File.ReadAllLines(csv);
        Assert.Equal(string.Join(",", JsonFields), lines[0]);
        Assert.Equal(["4", "8", "32"], lines.Skip(1).Select(l => l.Split(',')[2]));
        Assert.All(lines.Skip(1), l => Assert.Equal(JsonFields.Length, l.Split(',').Length));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
    }

    [Slow]
    [Fact]
    public void Gemm_reports_positive_gflops_for_the_square_sizes_and_the_training_shapes()
    {
        var run = CliRun.Of("bench", "--op", "gemm", "--sizes", "16,33", "--batch-sizes", "8", "--steps", "2", "--warmup-steps", "1", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var rows = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["square 16x16x16 NN", "square 33x33x33 NN", "fwd 8x256x784 NT", "dW 256x784x8 TN", "dX 8x784x256 NN"],
            rows.Select(r => r.GetProperty("shape").GetString()));
        Assert.All(rows, r => Assert.True(r.GetProperty("gflops").GetDouble() > 0, r.ToString()));
        Assert.All(rows, r => Assert.Equal(2.0 * r.GetProperty("m").GetInt32() * r.GetProperty("n").GetInt32() * r.GetProperty("k").GetInt32()
            / (r.GetProperty("ms_per_call").GetDouble() * 1e6), r.GetProperty("gflops").GetDouble(), 6));
    }

    [Theory]
    [InlineData("--batch-sizes", "0,32", "--batch-sizes")]
    [InlineData("--batch-sizes", "32,x", "--batch-sizes")]
    [InlineData("--batch-sizes", "128", "128 training rows")] // more than --samples 64
    [InlineData("--sizes", "512", "--sizes")]                 // only with --op gemm
    [InlineData("--plot", "chart.jpg", ".png")]
    [InlineData("--steps", "0", "--steps")]
    [InlineData("--warmup-steps", "-1", "--warmup-steps")]
    [InlineData("--seconds", "-1", "--seconds")]
    [InlineData("--window", "0", "--window")]
    [InlineData("--device", ",", "--device")]
    [InlineData("--device", "tpu", "tpu")]
    [InlineData("--op", "conv", "conv")]
    [InlineData("--model", "svm", "svm")]
    [InlineData("--samples", "0", "--samples")]
    [InlineData("--models", "0", "--models")]
    public void Bad_options_are_usage_errors_naming_the_option(string option, string value, string fragment)
    {
        Bench(option, value).AssertOneLineUsageError(fragment);
    }

    [Theory]
    [InlineData("--plot", "gemm.png")]
    [InlineData("--profile", null)]
    [InlineData("--models", "4")]
    public void Training_only_options_with_gemm_are_usage_errors(string option, string? value)
    {
        var run = CliRun.Of(["bench", "--op", "gemm", option, .. value is null ? Array.Empty<string>() : [value]]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Stderr);
    }

    [Fact]
    public void Models_times_a_pack_against_solo_steps_with_the_documented_fields_and_its_launches()
    {
        var run = Bench("--device", "cpu", "--hidden", "8", "--batch-sizes", "16", "--models", "3", "--profile", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().ToArray());
        Assert.Equal(["device", "model", "batch_size", "models", "pack_ms_per_step", "solo_ms_per_step", "pack_model_samples_per_second",
            "solo_model_samples_per_second", "speedup"], row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, row.GetProperty("models").GetInt32());
        double pack = row.GetProperty("pack_ms_per_step").GetDouble(), solo = row.GetProperty("solo_ms_per_step").GetDouble();
        Assert.Equal(16 * 3 * 1000 / pack, row.GetProperty("pack_model_samples_per_second").GetDouble(), 6);
        Assert.Equal(16 * 1000 / solo, row.GetProperty("solo_model_samples_per_second").GetDouble(), 6);
        Assert.Equal(3 * solo / pack, row.GetProperty("speedup").GetDouble(), 6);
        Assert.Contains("profile: cpu, batch 16, pack of 3", run.Stderr);
        // The gather, the MLP's 11 pack ops and GEMMs, and a share of each 4-step epoch's start; cpu counts op calls.
        Assert.Matches(@"launches per step: 12(\.\d+)? \(op calls: the cpu backend launches nothing\); host waits per step: 0\n", run.Stderr);
        Assert.Contains("pack update 3 models", run.Stderr);
    }

    [Slow]
    [Fact]
    public void Profile_splits_a_step_into_every_op_of_the_training_step()
    {
        var run = Bench("--batch-sizes", "8", "--profile");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("profile: cpu, batch 8", run.Stdout);
        // Each GEMM with what its epilogue fuses: one op of the profile (the cpu backend runs the parts back to back).
        foreach (var op in new[] { "gemm 8x256x784 NT +bias+relu", "gemm 8x10x256 NT +bias+identity", "gemm 256x784x8 TN +bias grad", "gemm 10x256x8 TN +bias grad",
                     "gemm 8x256x10 NN +relu backward", "softmax CE 8x10", "sgd 203530", "gather batch 8x784" })
            Assert.Contains($"| {op}", run.Stdout);
        // 2·M·N·K summed over the five GEMMs: forward 8x256x784 and 8x10x256, weight gradients
        // 256x784x8 and 10x256x8, input gradient 8x256x10 (none for the first layer's input).
        Assert.Contains("useful work: 6.5 MFLOP/step in GEMMs; at this device's square 1024x1024x1024 NN rate", run.Stdout);
        Assert.Contains("the unprofiled step runs at", run.Stdout);
    }

    [Slow]
    [Fact]
    public void Profile_on_a_slow_device_times_at_most_one_1024_cubed_gemm_and_says_so()
    {
        // The ILGPU simulator takes a tenth of a second to over a second for a 256³ GEMM, as busy as the machine is: the old
        // profile timed 25 runs of 1024³ there (an hour). Now it times one 1024³ run at most, or none when the 256³ one
        // predicts over ten seconds, and says which.
        var run = Bench("--model", "softmax", "--device", "ilgpu-cpu", "--batch-sizes", "8", "--profile");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"profile: (no GEMM-bound limit for ilgpu-cpu: a 1024³ GEMM would take about [\d.]+ s a run here \(a 256³ one took \d+ ms\)"
            + @"|the GEMM-bound limit for ilgpu-cpu rests on one 1024³ GEMM, which took [\d.]+ s)\n", run.Stdout);
        Assert.Matches(@"useful work: 0\.3 MFLOP/step in GEMMs (\(no GEMM-bound limit: see above\)|; at this device's)", run.Stdout);
        Assert.Contains("| gemm 10x784x8 TN", run.Stdout);
        // The device's own launch count (a softmax step: gather, GEMM + bias, loss, dW + db, update; plus a share of each
        // 8-step epoch's start) and no wait inside a step.
        Assert.Matches(@"launches per step: 5(\.\d+)?; host waits per step: 0\n", run.Stdout);
    }

    [Fact]
    public void Unfused_applies_to_the_training_step_only() =>
        Bench("--op", "gemm", "--sizes", "8", "--unfused").AssertOneLineUsageError("--unfused applies to --op train only");

    /// <summary>
    /// --unfused keeps the step before fusion for timing against: bias + activation and the bias gradient launch on their
    /// own again on an ILGPU device (softmax: two launches more per step), and the log says so.
    /// </summary>
    [Slow]
    [Fact]
    public void Unfused_runs_the_epilogues_as_launches_of_their_own()
    {
        var run = Bench("--model", "softmax", "--device", "ilgpu-cpu", "--batch-sizes", "8", "--profile", "--unfused");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("ilgpu-cpu: GEMM epilogues unfused (--unfused)", run.Stdout);
        Assert.Matches(@"launches per step: 7(\.\d+)?; host waits per step: 0\n", run.Stdout);
        Assert.Contains("| gemm 10x784x8 TN +bias grad", run.Stdout);
    }
}
