using System.Text.Json;
using GpuNet.Backends.Ilgpu;
using GpuNet.Reference;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet selftest --device D [--time SHAPES] [--json]</c>: checks every GEMM rung,
/// a few training steps, the Adam op and the pack ops of an ILGPU device against the float64 reference (Reference/GemmOp, StepCheck, AdamOp, PackOp), then optionally times every
/// rung. Exit 1 on any mismatch. perf/gpu runs it on the lent GPU machine from the published binary.
/// </summary>
public static class SelftestCommand
{
    public static Command Create(TextWriter stdout)
    {
        var device = DeviceOption.CreateIlgpu();
        var time = new Option<string?>("--time") { Description = "Comma-separated GEMM shapes to time per rung, MxNxK[:NN|NT|TN|TT] or N for N³" };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of timing per rung and shape", DefaultValueFactory = _ => 1.0 };
        var json = new Option<bool>("--json") { Description = "One JSON object on stdout instead of text lines" };
        // Listed, not hidden: System.CommandLine prints no help for a hidden command, and the README documents it.
        return Verb.Create("selftest", "Check every GEMM rung and a training step against the float64 reference; optionally time the rungs.", [device, time, seconds, json], parsed =>
        {
            var spec = DeviceSpec.Parse(parsed.GetValue(device)); // the option's validator has refused the managed cpu and auto
            var shapes = (parsed.GetValue(time) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(GemmLadder.ParseShape).ToList();
            // On ilgpu-cpu, asking for a grouped rung opens the simulator that can run every rung.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var backend = (IlgpuBackend)DeviceCatalog.Open(spec, spec.Kind == DeviceSpecKind.IlgpuCpu ? GemmKernel.DoubleBuffered128 : null);
            double startup = clock.Elapsed.TotalSeconds; // context and every kernel compiled and loaded
            var defaultKernel = IlgpuBackend.DefaultGemmKernel(backend.Accelerator.AcceleratorType);
            var checks = GemmLadder.Verify(backend);
            double stepRatio = StepCheck.WorstRatio(backend);
            var adamChecks = AdamOp.Cases.Select(c => (Case: c.ToString(), Result: AdamOp.Check(backend, c))).ToList();
            var packChecks = PackOp.CheckAll(backend).Select(c => (Case: c.Case.ToString(), c.Op, c.Result)).ToList();
            var timings = shapes.SelectMany(s => GemmLadder.Time(backend, s, parsed.GetValue(seconds))).ToList();
            bool passed = checks.All(c => c.Passed) && stepRatio <= 1 && adamChecks.All(c => c.Result.Passed) && packChecks.All(c => c.Result.Passed);

            if (parsed.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(new
                {
                    device = backend.Device.Id,
                    name = backend.Device.Name,
                    default_gemm = defaultKernel.ToString(),
                    startup_seconds = startup,
                    passed,
                    gemm_checks = checks.Select(c => new { kernel = c.Kernel.ToString(), shape = c.Shape, worst_error_over_bound = c.Result.WorstRatio, passed = c.Passed }),
                    step_check = new { worst_error_over_bound = stepRatio, passed = stepRatio <= 1 },
                    adam_checks = adamChecks.Select(c => new { @case = c.Case, worst_error_over_bound = c.Result.WorstRatio, passed = c.Result.Passed }),
                    pack_checks = packChecks.Select(c => new { op = c.Op, @case = c.Case, worst_error_over_bound = c.Result.WorstRatio, passed = c.Result.Passed }),
                    gemm_timings = timings.Select(t => new { kernel = t.Kernel.ToString(), shape = t.Shape, ms = t.Milliseconds, gflops = t.Gflops }),
                }));
            }
            else
            {
                stdout.WriteLine(Invariant($"device: {backend.Device.Id} ({backend.Device.Name}), default GEMM rung {defaultKernel}, opened in {startup:F2} s"));
                foreach (var c in checks)
                    stdout.WriteLine(Invariant($"gemm {c.Kernel,-18} {c.Shape,-40} {(c.Passed ? "ok  " : "FAIL")} worst error {c.Result.WorstRatio:G3} of the bound"));
                stdout.WriteLine(Invariant($"training steps vs cpu      {(stepRatio <= 1 ? "ok  " : "FAIL")} worst error {stepRatio:G3} of the bound"));
                foreach (var (name, result) in adamChecks)
                    stdout.WriteLine(Invariant($"adam {name,-58} {(result.Passed ? "ok  " : "FAIL")} worst error {result.WorstRatio:G3} of the bound"));
                foreach (var (name, op, result) in packChecks)
                    stdout.WriteLine(Invariant($"pack {op,-20} {(result.Passed ? "ok  " : "FAIL")} worst error {result.WorstRatio:G3} of the bound: {name}"));
                foreach (var t in timings)
                    stdout.WriteLine(Invariant($"time {t.Kernel,-18} {t.Shape,-24} {t.Milliseconds,10:F3} ms {t.Gflops,10:F1} GFLOP/s"));
                stdout.WriteLine(passed ? "selftest passed" : "selftest FAILED");
            }
            return passed ? ExitCodes.Success : ExitCodes.RuntimeError;
        });
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
