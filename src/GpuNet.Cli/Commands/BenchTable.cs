using GpuNet.Bench;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GpuNet.Cli.Commands;

/// <summary>The human-readable bench tables. Markdown borders and no colour, so they paste into notes and files unchanged.</summary>
public static class BenchTable
{
    public static void WriteTraining(TextWriter output, IReadOnlyList<TrainBenchResult> results)
    {
        var table = NewTable("device", "batch", "samples/s", "ms/step", "p10–p90 ms", "vs cpu");
        foreach (var r in results)
            table.AddRow(Cells(r.Device, Invariant($"{r.BatchSize}"), Units.Rate(r.SamplesPerSecond), Ms(r.MsPerStep),
                $"{Ms(r.MsPerStepP10)}–{Ms(r.MsPerStepP90)}", Speedup(BenchReport.SpeedupOverCpu(results, r))));
        Render(output, table);
    }

    public static void WritePacks(TextWriter output, IReadOnlyList<PackBenchResult> results)
    {
        var table = NewTable("device", "batch", "models", "pack ms/step", "solo ms/step", "pack model-samples/s", "solo model-samples/s", "speedup");
        foreach (var r in results)
            table.AddRow(Cells(r.Device, Invariant($"{r.BatchSize}"), Invariant($"{r.Models}"), Ms(r.PackMsPerStep), Ms(r.SoloMsPerStep),
                Units.Rate(r.PackModelSamplesPerSecond), Units.Rate(r.SoloModelSamplesPerSecond), Invariant($"{r.Speedup:0.00}x")));
        Render(output, table);
    }

    public static void WriteGemm(TextWriter output, IReadOnlyList<GemmBenchResult> results)
    {
        var table = NewTable("device", "shape", "GFLOP/s", "ms/call", "p10–p90 ms", "vs cpu");
        foreach (var r in results)
        {
            var cpu = results.FirstOrDefault(c => c.Device == "cpu" && c.Shape == r.Shape);
            table.AddRow(Cells(r.Device, r.Shape, Invariant($"{r.Gflops:0.0}"), Ms(r.MsPerCall),
                $"{Ms(r.MsPerCallP10)}–{Ms(r.MsPerCallP90)}", Speedup(cpu is null ? null : r.Gflops / cpu.Gflops)));
        }
        Render(output, table);
    }

    /// <summary>One step's time split by op, after the point it belongs to.</summary>
    /// <param name="gemmRate">The device's 1024³ GEMM rate, or null when it was too slow to time (<see cref="ProfileGemmRate"/>): no limit then.</param>
    public static void WriteProfile(TextWriter output, string point, int batchSize, double msPerStep, StepProfile profile, GemmBenchResult? gemmRate)
    {
        var ops = profile.Ops;
        double total = ops.Sum(o => o.MsPerStep);
        output.WriteLine(Invariant($"profile: {point}: {total:0.000} ms/step with every op synchronised ({msPerStep:0.000} ms/step unprofiled)"));
        // A device's own count where it keeps one (ILGPU: a fused gather is one launch the profile shows as two ops);
        // on cpu, the op calls.
        double launches = profile.LaunchesPerStep ?? ops.Where(o => o.Op != ProfilingBackend.UploadOp).Sum(o => o.CallsPerStep);
        output.WriteLine(Invariant($"launches per step: {launches:0.##}{(profile.LaunchesPerStep is null ? " (op calls: the cpu backend launches nothing)" : "")}; host waits per step: {profile.HostWaitsPerStep:0.##}"));
        if (gemmRate is null)
            output.WriteLine(Invariant($"useful work: {profile.GemmFlopsPerStep / 1e6:0.0} MFLOP/step in GEMMs (no GEMM-bound limit: see above)"));
        else
        {
            double limit = profile.GemmBoundMs(gemmRate.Gflops);
            output.WriteLine(Invariant($"useful work: {profile.GemmFlopsPerStep / 1e6:0.0} MFLOP/step in GEMMs; at this device's {gemmRate.Shape} rate ({gemmRate.Gflops:0.0} GFLOP/s) the GEMM-bound limit is {limit:0.000} ms/step ({batchSize * 1000 / limit / 1000:0.0}k samples/s): the unprofiled step runs at {100 * limit / msPerStep:0}% of it"));
        }
        var table = NewTable("op", "ms/step", "share", "calls/step");
        foreach (var (op, ms, calls) in ops)
            table.AddRow(Cells(op, Invariant($"{ms:0.0000}"), Invariant($"{100 * ms / total:0.0}%"), Invariant($"{calls:0.##}")));
        Render(output, table);
    }

    private static Table NewTable(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Markdown);
        foreach (var h in headers)
            table.AddColumn(new TableColumn(new Text(h)) { Alignment = h is "device" or "shape" or "op" ? Justify.Left : Justify.Right });
        return table;
    }

    // Text, not markup: a device name or shape label is never parsed for [style] tags.
    private static IRenderable[] Cells(params string[] cells) => cells.Select(c => (IRenderable)new Text(c)).ToArray();

    private static void RenderTo(TextWriter output, Table table)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160; // a pipe or file has no width; never wrap a row
        console.Write(table);
    }

    /// <summary>Spectre pads the table with blank lines of spaces; the output keeps only the table's own lines.</summary>
    private static void Render(TextWriter output, Table table)
    {
        var text = new StringWriter();
        RenderTo(text, table);
        foreach (var line in text.ToString().Split('\n'))
            if (line.Trim().Length > 0)
                output.WriteLine(line.TrimEnd());
    }

    private static string Ms(double ms) => Invariant($"{ms:0.000}");

    private static string Speedup(double? ratio) => ratio is { } r ? Invariant($"{r:0.00##}×") : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
