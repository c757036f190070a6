namespace GpuNet.Tests.Backends;

public abstract partial class BackendContractTests
{
    /// <summary>The four loss ops, each run on [rows, classes] logits (one column for the sigmoid ones).</summary>
    public static TheoryData<string> LossOps => new("softmax", "weighted softmax", "sigmoid", "weighted sigmoid");

    /// <summary>
    /// IBackend's contract for a label outside [0, classes): no device can throw from a kernel or read
    /// a class that is not there, so every backend gives that row a NaN loss and a NaN gradient and counts
    /// it as wrong, deterministically; the other rows are untouched by it. (PyTorch raises; so does the
    /// Trainer, which checks the labels before it uploads them.)
    /// </summary>
    [Theory]
    [MemberData(nameof(LossOps), MemberType = typeof(BackendContractTests))]
    public void A_label_out_of_range_gives_its_row_a_NaN_loss_and_gradient_and_no_hit(string op)
    {
        bool sigmoid = op.EndsWith("sigmoid", StringComparison.Ordinal);
        int classes = sigmoid ? 2 : 5, outputs = sigmoid ? 1 : classes;
        int[] y = [1, -1, classes, 0, int.MaxValue, int.MinValue, classes - 1];
        bool[] valid = [true, false, false, true, false, false, true];
        int rows = y.Length;
        float[] z = RandomFloats(Rng(23, classes), rows * outputs, 3f);
        // Logits that make every bad row's first argmax (or sign) agree with a misread label of 0.
        for (int r = 0; r < rows; r++)
            if (!valid[r])
                z[r * outputs] = sigmoid ? -1f : 10f;
        var stats = Place(new float[2 * rows]);
        var grad = Poisoned(rows * outputs);
        var logits = Place(z);
        var labels = Place(y, offset: 1);
        var weights = Place(Enumerable.Range(0, classes).Select(c => 0.5f + c).ToArray());
        switch (op)
        {
            case "softmax": Backend.SoftmaxCrossEntropy(logits, labels, rows, classes, grad, 1f / rows, stats); break;
            case "weighted softmax": Backend.SoftmaxCrossEntropy(logits, labels, rows, classes, grad, 0.25f, stats, weights); break;
            case "sigmoid": Backend.SigmoidBinaryCrossEntropy(logits, labels, rows, grad, 1f / rows, stats); break;
            default: Backend.SigmoidBinaryCrossEntropy(logits, labels, rows, grad, 0.25f, stats, weights); break;
        }

        float[] s = Read(stats, 2 * rows), g = Read(grad, rows * outputs);
        for (int r = 0; r < rows; r++)
        {
            var row = g.AsSpan(r * outputs, outputs).ToArray();
            if (valid[r])
            {
                Assert.True(float.IsFinite(s[2 * r]) && row.All(float.IsFinite), $"{op}: row {r} (label {y[r]}) is not finite");
                continue;
            }
            Assert.True(float.IsNaN(s[2 * r]), $"{op}: row {r} (label {y[r]}) has loss {s[2 * r]}, not NaN");
            Assert.Equal(0f, s[2 * r + 1]);
            Assert.All(row, v => Assert.True(float.IsNaN(v), $"{op}: row {r} (label {y[r]}) has a gradient {v}, not NaN"));
        }
    }
}
