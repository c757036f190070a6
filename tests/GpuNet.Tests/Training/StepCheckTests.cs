namespace GpuNet.Tests.Training;

/// <summary>
/// Training on every device follows the float64 reference step by step (<see cref="StepCheck"/>,
/// also run by <c>gpunet selftest</c>): the gather, forward, fused loss, backward and SGD kernels
/// together, from the same weights and batches. This is what holds ilgpu-cpu's training to cpu's;
/// convergence itself is tested on cpu.
/// </summary>
public sealed class StepCheckTests
{
    /// <summary>Every device; OpenCL's row is [Slow] (<see cref="TestDevices.LeaseCompiles"/>).</summary>
    public static IEnumerable<TheoryDataRow<string>> Devices() =>
        TestDevices.Ids.Select(id => new TheoryDataRow<string>(id).SlowIf(TestDevices.LeaseCompiles(id)));

    [Theory]
    [MemberData(nameof(Devices))]
    public void A_few_sgd_steps_match_the_float64_reference(string device)
    {
        using var lease = TestDevices.Lease(device);
        double ratio = StepCheck.WorstRatio(lease.Backend);
        Assert.True(ratio <= 1, $"{device}: worst parameter error is {ratio:G3} of the bound");
    }

    [Fact]
    public void A_wrong_bias_gradient_fails_it()
    {
        using var backend = new Models.WrongBiasGradientBackend(TestDevices.Open("cpu"));
        Assert.True(StepCheck.WorstRatio(backend) > 1, "a planted backward bug passed the step check");
    }
}
