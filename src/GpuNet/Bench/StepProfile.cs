namespace GpuNet.Bench;

/// <summary>
/// One training step split by op (<see cref="TrainingBenchmark.Profile"/>), with the step's useful
/// work: the floating-point operations of its GEMMs (2·M·N·K each), which is all but a sliver of
/// the arithmetic of a linear or MLP step. <paramref name="LaunchesPerStep"/>: the kernels an ILGPU device launched per
/// step (null on cpu, whose ops are calls); <paramref name="HostWaitsPerStep"/>: the waits for the device the step
/// itself made (the profiler's own, one after each op, not counted).
/// </summary>
public sealed record StepProfile(IReadOnlyList<(string Op, double MsPerStep, double CallsPerStep)> Ops, double GemmFlopsPerStep,
    double? LaunchesPerStep, double HostWaitsPerStep)
{
    /// <summary>
    /// The GEMM-bound limit: milliseconds the step's GEMMs would take at <paramref name="gflops"/>,
    /// the rate this device reaches on a large square GEMM; no step can run faster than its GEMMs.
    /// </summary>
    public double GemmBoundMs(double gflops) => GemmFlopsPerStep / (gflops * 1e6);
}
