namespace GpuNet.Tests.Models;

/// <summary>
/// Inverted dropout as PyTorch's nn.Dropout: its keep rate and expectation, eval and predict untouched, the same mask
/// on every device and in backward, and the gradient of a fixed mask checked against finite differences.
/// </summary>
public sealed class DropoutTests
{
    private const int Million = 1_000_000;

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void Keeps_one_minus_p_of_a_million_elements_and_preserves_the_expectation(float p)
    {
        using var backend = new GpuNet.Backends.Cpu.CpuBackend();
        using var ones = backend.Allocate<float>(Million);
        using var output = backend.Allocate<float>(Million);
        backend.Fill(ones, Million, 1f);
        backend.Dropout(ones, output, Million, p, DropoutStep.For(p, seed: 3, step: 17).LayerSeed(0));
        var y = new float[Million];
        backend.Download<float>(output, y);

        double kept = y.Count(v => v != 0) / (double)Million;
        Assert.InRange(kept, (1 - p) * 0.99, (1 - p) * 1.01);
        Assert.All(y.Where(v => v != 0).Distinct(), v => Assert.Equal(1f / (1f - p), v));
        // E[dropout(x)] = x: the mean of the dropped ones stays 1 (to the sampling error of a million draws).
        Assert.InRange(y.Average(v => (double)v), 0.99, 1.01);
    }

    [Fact]
    public void Masks_differ_between_steps_and_layers_but_not_between_runs()
    {
        var a = DropoutStep.For(0.5f, seed: 1, step: 4);
        Assert.Equal(a, DropoutStep.For(0.5f, seed: 1, step: 4));
        Assert.NotEqual(a.StepSeed, DropoutStep.For(0.5f, seed: 1, step: 5).StepSeed);
        Assert.NotEqual(a.StepSeed, DropoutStep.For(0.5f, seed: 2, step: 4).StepSeed);
        Assert.NotEqual(a.LayerSeed(0), a.LayerSeed(1));
        var mask0 = Enumerable.Range(0, 64).Select(i => DropoutMask.Keeps(a.LayerSeed(0), i, 0.5f));
        var mask1 = Enumerable.Range(0, 64).Select(i => DropoutMask.Keeps(a.LayerSeed(1), i, 0.5f));
        Assert.NotEqual(mask0, mask1);
    }

    /// <summary>A training forward through the network draws, bit for bit, the same hidden outputs on cpu and ilgpu-cpu.</summary>
    [Fact]
    public void The_training_forward_drops_the_same_units_on_cpu_and_ilgpu_cpu()
    {
        // tanh, not relu: a kept unit's gradient is never zero, so the zeros are the mask's alone.
        var spec = ModelSpec.Create(ModelKind.Mlp, 6, 3, [40, 24], Activation.Tanh);
        var dropout = DropoutStep.For(0.3f, seed: 9, step: 123);
        var zeros = TestDevices.AlwaysPresent.Select(row => (string)row.Data).Select(device =>
        {
            using var lease = TestDevices.Lease(device);
            return HiddenGradientZeros(lease.Backend, spec, dropout);
        }).ToArray();
        Assert.Contains(true, zeros[0]);
        Assert.Equal(zeros[0], zeros[1]);
    }

    /// <summary>Which first-layer weight-gradient rows are zero: exactly the hidden units every row dropped, the same mask backward.</summary>
    private static bool[] HiddenGradientZeros(IBackend backend, ModelSpec spec, DropoutStep dropout)
    {
        const int rows = 1;
        using var network = new Network(backend, spec, rows);
        network.Initialise(InitScheme.Xavier, 5);
        using var x = backend.Allocate<float>(spec.Inputs);
        using var y = backend.Allocate<int>(rows);
        using var stats = new LossStats(backend, rows);
        backend.Upload<float>([0.5f, -1f, 0.25f, 2f, -0.75f, 1f], x);
        network.Forward(x, rows, dropout);
        network.Loss(y, rows, stats.Buffer, withGradient: true);
        network.Backward(x, rows, dropout);
        var biasGrad = network.ExportGradients()[1].Data; // layers.0.bias: zero where layer 0's unit was dropped
        var expected = Enumerable.Range(0, spec.Layers[0].Out).Select(i => !DropoutMask.Keeps(dropout.LayerSeed(0), i, dropout.Probability));
        Assert.Equal(expected, biasGrad.Select(g => g == 0));
        return biasGrad.Select(g => g == 0).ToArray();
    }

    /// <summary>Evaluation runs the plain forward: a network with dropout in training scores exactly as one without.</summary>
    [Fact]
    public void Evaluation_is_unaffected_by_dropout()
    {
        using var backend = new GpuNet.Backends.Cpu.CpuBackend();
        var spec = ModelSpec.Create(ModelKind.Mlp, 6, 3, [16]);
        using var network = new Network(backend, spec, 4);
        network.Initialise(InitScheme.Xavier, 2);
        using var x = backend.Allocate<float>(4 * spec.Inputs);
        backend.Upload<float>(Enumerable.Range(0, 4 * spec.Inputs).Select(i => (float)Math.Sin(i)).ToArray(), x);
        network.Forward(x, 4);
        var plain = Logits(backend, network);
        network.Forward(x, 4, DropoutStep.For(0.5f, seed: 1, step: 0));
        Assert.NotEqual(plain, Logits(backend, network)); // dropout does act in training...
        network.Forward(x, 4);
        Assert.Equal(plain, Logits(backend, network));   // ...and leaves no trace in the next plain forward
    }

    private static float[] Logits(GpuNet.Backends.Cpu.CpuBackend backend, Network network)
    {
        var logits = new float[4 * network.Spec.Classes];
        backend.Download<float>(network.Logits, logits);
        return logits;
    }

    /// <summary>With a fixed mask the loss is smooth in the parameters: the analytic gradient matches finite differences.</summary>
    [Theory]
    [InlineData("cpu", Activation.Relu)]
    [InlineData("cpu", Activation.Tanh)]
    [InlineData("ilgpu-cpu", Activation.Sigmoid)]
    public void Gradient_check_passes_with_a_fixed_mask(string device, Activation activation)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        var spec = ModelSpec.Create(ModelKind.Mlp, 5, 3, [9, 7], activation);
        var dropout = DropoutStep.For(0.4f, seed: 3, step: 2);
        var errors = GradientCheck.Run(backend, spec, rows: 6, seed: 3, dropout: dropout);
        Assert.All(errors, e => Assert.True(e.RelativeError < GradientCheck.DefaultThreshold, $"{e.Name}: {e.RelativeError:E2}"));
        // The mask is really there: the true gradients differ from those of the same batch without dropout.
        var plain = GradientCheck.Run(backend, spec, rows: 6, seed: 3);
        Assert.NotEqual(plain.Select(e => e.MaxGradient), errors.Select(e => e.MaxGradient));
    }
}
