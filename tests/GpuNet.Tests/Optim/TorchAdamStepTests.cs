namespace GpuNet.Tests.Optim;

/// <summary>
/// Adam and AdamW step for step against values recorded from torch.optim 1.13 (Optim/Data/record_torch_adam.py
/// wrote Optim/Data/torch_adam_steps.json): the same initial weight and bias, the same gradient and scheduled learning
/// rate at every step, 20 steps; after every step the weight, bias and the weight's exp_avg and exp_avg_sq agree
/// within 1e-6 relative, through GpuNet's own optimiser (<see cref="Adam"/>: its step count and bias corrections).
/// </summary>
public sealed class TorchAdamStepTests
{
    private const double Relative = 1e-6;

    /// <summary>Every recorded case on cpu and on each accelerator of the registry; OpenCL's rows are [Slow] (<see cref="TestDevices.LeaseCompiles"/>).</summary>
    public static IEnumerable<TheoryDataRow<string, string>> Cases() =>
        from device in TestDevices.Ids.Where(id => !id.StartsWith("cpu-", StringComparison.Ordinal))
        from c in Recorded().EnumerateArray()
        select new TheoryDataRow<string, string>(device, c.GetProperty("name").GetString()!).SlowIf(TestDevices.LeaseCompiles(device));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Twenty_steps_match_torch_optim(string device, string name)
    {
        var c = Recorded().EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        var spec = ModelSpec.Create(ModelKind.Softmax, 7, 5, []);
        using var network = new Network(backend, spec, 1);
        network.ImportParameters([new("layers.0.weight", [5, 7], Floats(c, "weight0")), new("layers.0.bias", [5], Floats(c, "bias0"))]);
        var options = new TrainOptions
        {
            Optimizer = c.GetProperty("optimizer").GetString() == "adamw" ? OptimizerKind.AdamW : OptimizerKind.Adam,
            Beta1 = c.GetProperty("beta1").GetDouble(),
            Beta2 = c.GetProperty("beta2").GetDouble(),
            Eps = (float)c.GetProperty("eps").GetDouble(),
            WeightDecay = (float)c.GetProperty("weight_decay").GetDouble(),
        };
        float gradScale = (float)c.GetProperty("grad_scale").GetDouble();
        using var optimizer = Optimizers.Create(options, backend, network);
        var layer = network.Layers[0];
        var previousWeight = Floats(c, "weight0");
        var gradientSize = new double[previousWeight.Length]; // exp_avg's terms: β1·|m| + (1 − β1)·|g|, in float64
        int t = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            t++;
            float lr = (float)step.GetProperty("lr").GetDouble();
            var gradWeight = Floats(step, "grad_weight");
            // Clipping's factor multiplies the raw gradient first, in float32: the same one rounding as scaling it here.
            backend.Upload<float>(Array.ConvertAll(gradWeight, g => gradScale * g), layer.WeightGrad);
            backend.Upload<float>(Array.ConvertAll(Floats(step, "grad_bias"), g => gradScale * g), layer.BiasGrad);
            optimizer.Step(lr);

            Assert.Equal(step.GetProperty("step").GetInt64(), optimizer.Steps);
            var parameters = network.ExportParameters();
            var state = optimizer.ExportState().ToDictionary(s => s.Name);
            for (int i = 0; i < gradientSize.Length; i++)
                gradientSize[i] = options.Beta1 * gradientSize[i]
                    + (1 - options.Beta1) * Math.Abs(gradScale * gradWeight[i] + (options.Optimizer == OptimizerKind.Adam ? options.WeightDecay * previousWeight[i] : 0));
            var (weight, bias, expAvgSq) = (Floats(step, "weight"), Floats(step, "bias"), Floats(step, "exp_avg_sq_weight"));
            // An Adam step moves a weight by about lr at most, so lr is the least a weight's scale can be.
            AssertClose(weight, parameters[0].Data, i => Math.Max(Math.Abs(weight[i]), lr), $"{name} step {t} weight");
            AssertClose(bias, parameters[1].Data, i => Math.Max(Math.Abs(bias[i]), lr), $"{name} step {t} bias");
            AssertClose(Floats(step, "exp_avg_weight"), state["state.0.exp_avg"].Data, i => gradientSize[i], $"{name} step {t} exp_avg");
            AssertClose(expAvgSq, state["state.0.exp_avg_sq"].Data, i => expAvgSq[i], $"{name} step {t} exp_avg_sq");
            previousWeight = weight;
        }
        Assert.Equal(20, t);
    }

    /// <summary>
    /// Elementwise |got − want| ≤ 1e-6·scale, the scale being the size of the terms that made the element (as
    /// <see cref="GpuNet.Reference.ErrorBound"/> measures): |v| itself for exp_avg_sq (its terms are all positive),
    /// the running size of the gradients for exp_avg (a momentum that cancels to near zero is known only to the
    /// precision of what cancelled), |w| for a weight.
    /// </summary>
    private static void AssertClose(float[] want, float[] got, Func<int, double> scale, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            double error = Math.Abs((double)got[i] - want[i]);
            if (!(error <= Relative * scale(i)))
                Assert.Fail($"{what}[{i}]: GpuNet {got[i]:R}, torch {want[i]:R}, error {error:E2} of a scale {scale(i):E2}");
        }
    }

    private static float[] Floats(JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static JsonElement Recorded() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Optim", "Data", "torch_adam_steps.json"))).RootElement.GetProperty("cases");
}
