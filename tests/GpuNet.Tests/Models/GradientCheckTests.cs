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

    [Fact]
    public void A_wrong_backward_is_caught()
    {
        using var backend = new WrongBiasGradientBackend(TestDevices.Open("cpu"));
        var errors = GradientCheck.Run(backend, ModelSpec.Create(ModelKind.Mlp, 5, 3, [7], Activation.Tanh), rows: 6, seed: 3);

        Assert.All(errors.Where(e => e.Name.EndsWith(".weight", StringComparison.Ordinal)), e => Assert.True(e.RelativeError < 1e-4, e.Name));
        Assert.All(errors.Where(e => e.Name.EndsWith(".bias", StringComparison.Ordinal)), e => Assert.True(e.RelativeError > GradientCheck.DefaultThreshold, e.Name));
    }
}
