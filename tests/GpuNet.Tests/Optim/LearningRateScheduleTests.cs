namespace GpuNet.Tests.Optim;

public sealed class LearningRateScheduleTests
{
    private static float[] FirstStepOfEachEpoch(LearningRateSchedule schedule, int epochs, int stepsPerEpoch = 10) =>
        Enumerable.Range(1, epochs).Select(e => schedule.At(e, 0, stepsPerEpoch)).ToArray();

    [Fact]
    public void Constant_keeps_the_base_rate()
    {
        var s = new LearningRateSchedule(0.1f, ScheduleKind.Constant, Epochs: 5);
        Assert.All(FirstStepOfEachEpoch(s, 5), r => Assert.Equal(0.1f, r));
        Assert.Equal(0.1f, s.At(3, 7, 10));
    }

    [Fact]
    public void Step_multiplies_by_gamma_every_step_epochs_like_StepLR()
    {
        var s = new LearningRateSchedule(1f, ScheduleKind.Step, Epochs: 7, StepEpochs: 3, Gamma: 0.5f);
        Assert.Equal([1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f], FirstStepOfEachEpoch(s, 7));
        Assert.Equal(0.5f, s.At(6, 9, 10)); // constant within an epoch
    }

    [Fact]
    public void Cosine_falls_from_the_base_rate_towards_zero_per_step()
    {
        var s = new LearningRateSchedule(0.2f, ScheduleKind.Cosine, Epochs: 4);
        var rates = FirstStepOfEachEpoch(s, 4);
        double[] expected = [0.2, 0.1 * (1 + Math.Cos(Math.PI / 4)), 0.1, 0.1 * (1 + Math.Cos(3 * Math.PI / 4))];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], rates[i], 6);
        Assert.True(s.At(4, 9, 10) < 0.01f && s.At(4, 9, 10) > 0, "the last step is close to zero but still moves");
        Assert.True(s.At(2, 5, 10) < s.At(2, 4, 10), "cosine decays within an epoch too");
    }

    [Fact]
    public void Warmup_ramps_linearly_then_hands_over_to_the_schedule()
    {
        var s = new LearningRateSchedule(1f, ScheduleKind.Constant, Epochs: 5, WarmupEpochs: 2);
        Assert.Equal(0.05f, s.At(1, 0, 10), 6);  // first step: (0 + 1/10) / 2
        Assert.Equal(0.5f, s.At(1, 9, 10), 6);
        Assert.Equal(0.55f, s.At(2, 0, 10), 6);
        Assert.Equal(1f, s.At(3, 0, 10));
        var rates = Enumerable.Range(0, 20).Select(i => s.At(1 + i / 10, i % 10, 10)).ToArray();
        Assert.Equal(rates.Order(), rates); // monotone during warm-up
    }
}
