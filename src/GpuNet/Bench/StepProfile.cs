namespace GpuNet.Bench;

/// <summary>
/// One training step split by op (<see cref="TrainingBenchmark.Profile"/>), with the step's useful
/// work: the floating-point operations of its GEMMs (2·M·N·K each), which is all but a sliver of
/// the arithmetic of a linear or MLP step.
/// </summary>
public sealed record StepProfile(IReadOnlyList<(string Op, double MsPerStep, double CallsPerStep)> Ops, double GemmFlopsPerStep)
{
    /// <summary>
    /// The GEMM-bound limit: milliseconds the step's GEMMs would take at <paramref name="gflops"/>,
    /// the rate this device reaches on a large square GEMM; no step can run faster than its GEMMs.
    /// </summary>
    public double GemmBoundMs(double gflops) => GemmFlopsPerStep / (gflops * 1e6);
}
