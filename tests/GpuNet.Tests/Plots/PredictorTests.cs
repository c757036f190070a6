namespace GpuNet.Tests.Plots;

/// <summary>The library's predictions for host rows, which the decision-boundary plot draws.</summary>
public sealed class PredictorTests
{
    [Theory]
    [MemberData(nameof(TestDevices.AlwaysPresentSimulatorSlow), MemberType = typeof(TestDevices))]
    public void Logistic_probabilities_are_one_minus_p_and_p(string device)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        using var network = new Network(backend, ModelSpec.Create(ModelKind.Logistic, 2, 2), maxRows: 3);
        network.ImportParameters([new NamedTensor("layers.0.weight", [1, 2], [2f, -1f]), new NamedTensor("layers.0.bias", [1], [0.5f])]);
        float[] x = [0, 0, 1, 1, -1, 2, 3, 0, 0, 3]; // 5 rows: more than maxRows, so two chunks
        using var predictor = new Predictor(backend, network);

        var probabilities = predictor.Probabilities(x);

        Assert.Equal(10, probabilities.Length);
        for (int r = 0; r < 5; r++)
        {
            double z = 2 * x[2 * r] - x[2 * r + 1] + 0.5;
            double p = 1 / (1 + Math.Exp(-z));
            Assert.Equal(1 - p, probabilities[2 * r], 5);
            Assert.Equal(p, probabilities[2 * r + 1], 5);
        }
        Assert.Equal([1, 1, 0, 1, 0], predictor.Classes(x)); // z = 0.5, 1.5, −3.5, 6.5, −2.5
    }

    [Theory]
    [MemberData(nameof(TestDevices.AlwaysPresentSimulatorSlow), MemberType = typeof(TestDevices))]
    public void Mlp_rows_sum_to_one_and_chunks_agree_with_single_rows(string device)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        var spec = ModelSpec.Create(ModelKind.Mlp, 2, 3, [5], Activation.Tanh);
        using var network = new Network(backend, spec, maxRows: 4);
        network.Initialise(InitScheme.Xavier, seed: 7);
        var x = Enumerable.Range(0, 2 * 11).Select(i => (float)Math.Sin(i)).ToArray();
        using var predictor = new Predictor(backend, network);

        var all = predictor.Probabilities(x);

        for (int r = 0; r < 11; r++)
        {
            Assert.Equal(1.0, all[(3 * r)..(3 * r + 3)].Sum(), 5);
            var single = predictor.Probabilities(x.AsSpan(2 * r, 2));
            for (int c = 0; c < 3; c++) Assert.Equal(single[c], all[3 * r + c], 6);
        }
        Assert.Equal(Predictor.ArgMax(all, 3), predictor.Classes(x));
    }

    [Fact]
    public void Argmax_takes_the_first_of_equal_values() =>
        Assert.Equal([1, 0, 2], Predictor.ArgMax([0.2f, 0.5f, 0.3f, 0.4f, 0.4f, 0.2f, 0.1f, 0.1f, 0.8f], 3));
}
