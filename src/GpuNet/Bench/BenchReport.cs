using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GpuNet.Bench;

/// <summary>The machine-readable forms of a bench run: a JSON array and CSV with the same field names.</summary>
public static class BenchReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Json<T>(IReadOnlyList<T> results) => JsonSerializer.Serialize(results, Indented);

    public static string Csv(IReadOnlyList<TrainBenchResult> results) => Csv(
        "device,model,batch_size,samples_per_second,ms_per_step,ms_per_step_p10,ms_per_step_p90",
        results.Select(r => Invariant($"{r.Device},{r.Model},{r.BatchSize},{r.SamplesPerSecond:0.###},{r.MsPerStep:0.######},{r.MsPerStepP10:0.######},{r.MsPerStepP90:0.######}")));

    public static string Csv(IReadOnlyList<GemmBenchResult> results) => Csv(
        "device,shape,m,n,k,gflops,ms_per_call,ms_per_call_p10,ms_per_call_p90",
        results.Select(r => Invariant($"{r.Device},{r.Shape},{r.M},{r.N},{r.K},{r.Gflops:0.###},{r.MsPerCall:0.######},{r.MsPerCallP10:0.######},{r.MsPerCallP90:0.######}")));

    public static string Csv(IReadOnlyList<PackBenchResult> results) => Csv(
        "device,model,batch_size,models,pack_ms_per_step,solo_ms_per_step,pack_model_samples_per_second,solo_model_samples_per_second,speedup",
        results.Select(r => Invariant($"{r.Device},{r.Model},{r.BatchSize},{r.Models},{r.PackMsPerStep:0.######},{r.SoloMsPerStep:0.######},{r.PackModelSamplesPerSecond:0.###},{r.SoloModelSamplesPerSecond:0.###},{r.Speedup:0.###}")));

    private static string Csv(string header, IEnumerable<string> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
            text.Append(row).Append('\n');
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>throughput(device) / throughput(cpu) at the same batch size, or null when cpu was not measured there.</summary>
    public static double? SpeedupOverCpu(IReadOnlyList<TrainBenchResult> results, TrainBenchResult result)
    {
        var cpu = results.FirstOrDefault(r => r.Device == "cpu" && r.BatchSize == result.BatchSize && r.Model == result.Model);
        return cpu is null ? null : result.SamplesPerSecond / cpu.SamplesPerSecond;
    }
}
