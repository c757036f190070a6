namespace GpuNet.Tests.Checkpoints;

/// <summary>
/// The one inference path (predict, eval, export's check and the decision-boundary plot) and its one decision rule: the
/// class is decided on the logits, so it stays right where the probabilities round to a tie.
/// </summary>
public sealed class ClassifierTests
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
        using var classifier = new Classifier(backend, network);

        var predictions = classifier.Predict(x);

        Assert.Equal(10, predictions.Probabilities.Length);
        for (int r = 0; r < 5; r++)
        {
            double z = 2 * x[2 * r] - x[2 * r + 1] + 0.5;
            double p = 1 / (1 + Math.Exp(-z));
            Assert.Equal(1 - p, predictions.Row(r)[0], 5);
            Assert.Equal(p, predictions.Row(r)[1], 5);
        }
        Assert.Equal([1, 1, 0, 1, 0], predictions.Labels); // z = 0.5, 1.5, −3.5, 6.5, −2.5
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
        using var classifier = new Classifier(backend, network);

        var all = classifier.Predict(x);

        for (int r = 0; r < 11; r++)
        {
            Assert.Equal(1.0, all.Row(r).ToArray().Sum(), 5);
            var single = classifier.Predict(x[(2 * r)..(2 * r + 2)]);
            for (int c = 0; c < 3; c++) Assert.Equal(single.Row(0)[c], all.Row(r)[c], 6);
            Assert.Equal(single.Labels[0], all.Labels[r]);
        }
    }

    /// <summary>
    /// z = ±1e-8: σ(z) rounds to ½ in float32, so both columns read 0.5. The class still follows z's sign, as the
    /// logistic loss counts it. The plot's old path (an argmax of the probabilities) said class 0 at z = +1e-8.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDevices.AlwaysPresentSimulatorSlow), MemberType = typeof(TestDevices))]
    public void A_logistic_logit_too_small_for_sigmoid_to_resolve_is_decided_by_its_sign(string device)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        using var network = new Network(backend, ModelSpec.Create(ModelKind.Logistic, 2, 2), maxRows: 4);
        network.ImportParameters([new NamedTensor("layers.0.weight", [1, 2], [1f, 0f]), new NamedTensor("layers.0.bias", [1], [0f])]);
        float[] x = [1e-8f, 0, -1e-8f, 0, 0, 0];
        using var classifier = new Classifier(backend, network);

        var predictions = classifier.Predict(x);

        Assert.Equal([0.5f, 0.5f], predictions.Row(0).ToArray()); // the premise: the probabilities tie
        Assert.Equal([1, 0, 0], predictions.Labels);
    }

    /// <summary>Logits (0, 2e-8): e^(−2e-8) rounds to 1, so softmax gives ½ and ½; the larger logit still wins.</summary>
    [Theory]
    [MemberData(nameof(TestDevices.AlwaysPresentSimulatorSlow), MemberType = typeof(TestDevices))]
    public void Softmax_logits_closer_than_their_probabilities_resolve_are_decided_by_the_larger(string device)
    {
        using var lease = TestDevices.Lease(device);
        var backend = lease.Backend;
        using var network = new Network(backend, ModelSpec.Create(ModelKind.Softmax, 1, 2), maxRows: 2);
        network.ImportParameters([new NamedTensor("layers.0.weight", [2, 1], [0f, 0f]), new NamedTensor("layers.0.bias", [2], [0f, 2e-8f])]);
        using var classifier = new Classifier(backend, network);

        var predictions = classifier.Predict([1f, -1f]);

        Assert.Equal([0.5f, 0.5f], predictions.Row(0).ToArray());
        Assert.Equal([1, 1], predictions.Labels);
    }

    /// <summary>Evaluation counts accuracy on the device (the loss ops) and the confusion matrix on the host: one rule, one answer.</summary>
    [Fact]
    public void Eval_accuracy_and_confusion_matrix_agree_where_sigmoid_rounds_to_a_half()
    {
        using var lease = TestDevices.Lease("cpu");
        var spec = ModelSpec.Create(ModelKind.Logistic, 2, 2);
        var checkpoint = new ModelCheckpoint(spec, [new NamedTensor("layers.0.weight", [1, 2], [1f, 0f]), new NamedTensor("layers.0.bias", [1], [0f])],
            Preprocessing.None, ["0", "1"], 1, 1);
        var data = new Dataset("tiny", [1e-8f, 0, -1e-8f, 0, 2f, 0], ClassLabels.From([1, 0, 0]), featureCount: 2, classCount: 2);
        using var classifier = new Classifier(lease.Backend, checkpoint, batchSize: 2);

        var evaluation = classifier.Evaluate(data);

        Assert.Equal(2.0 / 3, evaluation.Accuracy, 12);
        Assert.Equal(1, evaluation.Confusion[1, 1]); // z = 1e-8 is class 1
        Assert.Equal(1, evaluation.Confusion[0, 0]); // z = −1e-8 is class 0
        Assert.Equal(1, evaluation.Confusion[0, 1]); // z = 2 is class 1, labelled 0
    }
}
