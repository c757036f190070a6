using System.Text.Json.Serialization;

namespace GpuNet.Bench;

/// <summary>One point of a training sweep: a device and a batch size. Its JSON names are a contract: scripts read the bench report by them.</summary>
public sealed record TrainBenchResult(
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("samples_per_second")] double SamplesPerSecond,
    [property: JsonPropertyName("ms_per_step")] double MsPerStep,
    [property: JsonPropertyName("ms_per_step_p10")] double MsPerStepP10,
    [property: JsonPropertyName("ms_per_step_p90")] double MsPerStepP90)
{
    public static TrainBenchResult From(string device, string model, int batchSize, StepTimes times) =>
        new(device, model, batchSize, batchSize * 1000.0 / times.MedianMs, times.MedianMs, times.P10Ms, times.P90Ms);

    /// <summary>How many median steps fit in <paramref name="seconds"/>.</summary>
    public int StepsIn(double seconds) => (int)Math.Min(100_000, seconds * 1000 / MsPerStep);
}

/// <summary>One GEMM shape on one device; GFLOP/s from the median call (2·M·N·K flops).</summary>
public sealed record GemmBenchResult(
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("shape")] string Shape,
    [property: JsonPropertyName("m")] int M,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("gflops")] double Gflops,
    [property: JsonPropertyName("ms_per_call")] double MsPerCall,
    [property: JsonPropertyName("ms_per_call_p10")] double MsPerCallP10,
    [property: JsonPropertyName("ms_per_call_p90")] double MsPerCallP90);

/// <summary>
/// A pack of <see cref="Models"/> models against as many solo steps, at one batch size: aggregate model-samples per
/// second (batch × models per step) each way, and their ratio. JSON names are a contract, as for <see cref="TrainBenchResult"/>.
/// </summary>
public sealed record PackBenchResult(
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("models")] int Models,
    [property: JsonPropertyName("pack_ms_per_step")] double PackMsPerStep,
    [property: JsonPropertyName("solo_ms_per_step")] double SoloMsPerStep,
    [property: JsonPropertyName("pack_model_samples_per_second")] double PackModelSamplesPerSecond,
    [property: JsonPropertyName("solo_model_samples_per_second")] double SoloModelSamplesPerSecond,
    [property: JsonPropertyName("speedup")] double Speedup)
{
    public static PackBenchResult From(string device, string model, int batchSize, int models, double packMs, double soloMs) =>
        new(device, model, batchSize, models, packMs, soloMs, 1000.0 * batchSize * models / packMs, 1000.0 * batchSize / soloMs, models * soloMs / packMs);
}

