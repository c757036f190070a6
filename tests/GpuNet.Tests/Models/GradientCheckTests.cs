namespace GpuNet.Tests.Models;

/// <summary>Every model's analytic gradient (forward, fused loss, backward on a backend) against float64 centred differences.</summary>
public sealed class GradientCheckTests
{
    public static IEnumerable<TheoryDataRow<string, string>> Cases() =>
        Rows(["logistic", "softmax", "mlp-relu", "mlp-sigmoid", "mlp-tanh", "mlp2-tanh"], ["logistic", "softmax", "mlp-relu", "mlp-sigmoid", "mlp-tanh", "mlp2-tanh"]);

    public static IEnumerable<TheoryDataRow<string, string>> WeightedCases() => Rows(["logistic", "softmax", "mlp-tanh"], ["logistic", "mlp2-tanh"]);

    /// <summary>cpu's rows, then the simulator's, tagged [Slow]: about a second each there.</summary>
    private static IEnumerable<TheoryDataRow<string, string>> Rows(string[] onCpu, string[] onSimulator) =>
        onCpu.Select(model => new TheoryDataRow<string, string>("cpu", model))
            .Concat(onSimulator.Select(model => new TheoryDataRow<string, string>("ilgpu-cpu", model).Slow()));

    private static ModelSpec Spec(string model) => model switch
    {
        "logistic" => ModelSpec.Create(ModelKind.Logistic, inputs: 5, classes: 2),
        "softmax" => ModelSpec.Create(ModelKind.Softmax, inputs: 5, classes: 3),
        "mlp-relu" => ModelSpec.Create(ModelKind.Mlp, 5, 3, [7], Activation.Relu),
        "mlp-sigmoid" => ModelSpec.Create(ModelKind.Mlp, 5, 3, [7], Activation.Sigmoid),
        "mlp-tanh" => ModelSpec.Create(ModelKind.Mlp, 5, 3, [7], Activation.Tanh),
        "mlp2-tanh" => ModelSpec.Create(ModelKind.Mlp, 4, 3, [6, 5], Activation.Tanh),
        _ => throw new ArgumentException(model),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analytic_gradient_matches_finite_differences(string device, string model)
    {
        var errors = Check(device, model);

        Assert.Equal(2 * Spec(model).Layers.Count, errors.Count);
        foreach (var e in errors)
            AssertMatches(e, $"{device} {model}");
    }

    /// <summary>The class-weighted loss's gradient, Σ w[y]·∇l / Σ w[y], against differences of the weighted reference loss.</summary>
    [Theory]
    [MemberData(nameof(WeightedCases))]
    public void Class_weighted_gradients_match_finite_differences(string device, string model)
    {
        var weighted = Check(device, model, Spec(model).Classes == 2 ? [0.3f, 4f] : [0.3f, 4f, 1.5f]);
        var plain = Check(device, model);

        foreach (var (e, p) in weighted.Zip(plain))
        {
            AssertMatches(e, $"{device} {model}");
            Assert.NotEqual(p.MaxGradient, e.MaxGradient); // the weights change the gradient: the check saw the weighted loss
        }
    }

    /// <summary>The gradient check of <paramref name="model"/> on six rows of <paramref name="device"/>, class-weighted when given weights.</summary>
    private static IReadOnlyList<TensorGradientError> Check(string device, string model, float[]? classWeights = null)
    {
        using var lease = TestDevices.Lease(device);
        return GradientCheck.Run(lease.Backend, Spec(model), rows: 6, seed: 3, classWeights: classWeights);
    }

    /// <summary>A tensor's analytic gradient within 1e-4 of the differences, and not ~0 everywhere (where the check would prove nothing).</summary>
    private static void AssertMatches(TensorGradientError e, string what)
    {
        Assert.True(e.MaxGradient > 1e-4, $"{what} {e.Name}: gradient is ~0 everywhere, the check would prove nothing");
        Assert.True(e.RelativeError < 1e-4, $"{what} {e.Name}: relative error {e.RelativeError:E2} (max |Δ| {e.MaxAbsoluteError:E2}, max |g| {e.MaxGradient:E2})");
    }

    /// <summary>The float64 oracle the differences are taken of is the network's own forward and loss (within float32 rounding), dropout included.</summary>
    [Theory]
    [InlineData("logistic", 0f)]
    [InlineData("softmax", 0f)]
    [InlineData("mlp2-tanh", 0f)]
    [InlineData("mlp-relu", 0.3f)]
    [InlineData("mlp2-tanh", 0.5f)]
    public void The_reference_model_gives_the_networks_loss(string model, float dropoutProbability)
    {
        using var lease = TestDevices.Lease("cpu");
        var backend = lease.Backend;
        var spec = Spec(model);
        const int rows = 9;
        var random = new Random(5);
        var x = Enumerable.Range(0, rows * spec.Inputs).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var labels = Enumerable.Range(0, rows).Select(r => r % spec.Classes).ToArray();
        DropoutStep? dropout = dropoutProbability > 0 ? DropoutStep.For(dropoutProbability, seed: 3, step: 2) : null;
        using var network = new Network(backend, spec, rows);
        network.Initialise(InitScheme.Xavier, seed: 4);
        using var xBuffer = backend.Allocate<float>(x.Length);
        using var yBuffer = backend.Allocate<int>(rows);
        using var stats = new LossStats(backend, rows);
        backend.Upload<float>(x, xBuffer);
        backend.Upload<int>(labels, yBuffer);
        network.Forward(xBuffer, rows, dropout);
        network.Loss(yBuffer, rows, stats.Buffer, withGradient: false);

        double reference = ReferenceModel.Loss(spec, network.ExportParameters().Select(t => t.Data.Select(v => (double)v).ToArray()).ToList(),
            x.Select(v => (double)v).ToArray(), labels, rows, dropout);

        Assert.Equal(reference, stats.Read(rows).Loss, 5);
        Assert.True(reference > 0.05, $"loss {reference}: too small to compare");
    }

    [Fact]
    public void A_wrong_backward_is_caught()
    {
        using var backend = new WrongBiasGradientBackend(TestDevices.Open("cpu"));
        var errors = GradientCheck.Run(backend, ModelSpec.Create(ModelKind.Mlp, 5, 3, [7], Activation.Tanh), rows: 6, seed: 3);

        Assert.All(errors.Where(e => e.Name.EndsWith(".weight", StringComparison.Ordinal)), e => Assert.True(e.RelativeError < 1e-4, e.Name));
        Assert.All(errors.Where(e => e.Name.EndsWith(".bias", StringComparison.Ordinal)), e => Assert.True(e.RelativeError > GradientCheck.DefaultThreshold, e.Name));
    }
}
