namespace GpuNet.Tests.Ilgpu;

/// <summary>
/// Pins what one training step costs on an ILGPU device, through the real <see cref="Trainer"/>:
/// epochs of two and three steps differ by exactly one step, so their difference in launches is
/// the per-step launch count and their difference in host waits must be zero. A change that adds
/// a launch, a per-step upload or a Synchronize inside the step fails here.
/// </summary>
public sealed class TrainingStepLaunchTests
{
    private const int Batch = 8;

    /// <summary>
    /// An MLP with one hidden layer (784-256-10 as much as the 32-16-10 the test trains: the
    /// count depends on the layers, not their sizes; the simulator's cost does), per step: one fused gather of rows and
    /// labels; per layer a forward GEMM with bias and activation in its epilogue (2); the fused softmax cross-entropy (1);
    /// layer 1's weight-gradient GEMM with the bias gradient beside it and its input-gradient GEMM with the activation's
    /// backward in its epilogue (2); layer 0's weight- and bias-gradient GEMM (1); one SGD launch over the flat parameter
    /// buffer, every layer at once (1). It was 13 before the epilogues (issue 26's target: at most 8).
    /// </summary>
    private const int MlpLaunchesPerStep = 8;

    /// <summary>Softmax regression: the gather, the forward GEMM with its bias, the loss, dW with db, the update (target: at most 5).</summary>
    private const int SoftmaxLaunchesPerStep = 5;

    /// <summary>
    /// Adam and AdamW cost what SGD costs: one launch updates every parameter and both moments, and the
    /// step count (for the bias corrections) is the host's, so it adds neither a launch nor a wait.
    /// </summary>
    private const int MlpAdamLaunchesPerStep = MlpLaunchesPerStep;

    /// <summary>
    /// Dropout on the one hidden layer adds three launches: the mask applied to its output forward, and backward the same
    /// mask (drawn again from the counter-based RNG, never stored) applied to its gradient, which puts the activation's
    /// backward in a launch of its own again (the mask sits between the GEMM and f').
    /// </summary>
    private const int MlpDropoutLaunchesPerStep = MlpLaunchesPerStep + 3;

    /// <summary>
    /// Class weights cost nothing per step: the weighted cross-entropy replaces the unweighted one, the weights are
    /// uploaded once, and each batch's weight sum is the host's (it knows the batch's labels).
    /// </summary>
    private const int MlpClassWeightedLaunchesPerStep = MlpLaunchesPerStep;

    /// <summary>
    /// Gradient clipping adds two launches and no wait: the norm is reduced on the device (a partial sum per group, then
    /// one group adds them, both in a fixed order) into one element that the update reads. It used to download every gradient.
    /// </summary>
    private const int MlpClippedLaunchesPerStep = MlpLaunchesPerStep + 2;

    public static IEnumerable<TheoryDataRow<string, OptimizerKind, float, bool, float, int>> Recipes()
    {
        foreach (string device in Devices)
        {
            yield return new(device, OptimizerKind.Sgd, 0f, false, 0f, MlpLaunchesPerStep);
            yield return new(device, OptimizerKind.Adam, 0f, false, 0f, MlpAdamLaunchesPerStep);
            yield return new(device, OptimizerKind.AdamW, 0.5f, false, 0f, MlpDropoutLaunchesPerStep);
            yield return new(device, OptimizerKind.Sgd, 0f, true, 0f, MlpClassWeightedLaunchesPerStep);
            yield return new(device, OptimizerKind.Sgd, 0f, false, 0.5f, MlpClippedLaunchesPerStep);
            yield return new(device, OptimizerKind.Adam, 0f, false, 0.5f, MlpClippedLaunchesPerStep);
        }
    }

    /// <summary>The ILGPU devices: the simulator everywhere, PoCL where installed, a GPU where lent (absent ones skip).</summary>
    private static readonly string[] Devices = ["ilgpu-cpu", "opencl:0", "cuda:0"];

    public static TheoryData<string> DeviceRows => new(Devices);

    [Slow]
    [Theory]
    [MemberData(nameof(Recipes))]
    public void MlpStep_HasAFixedLaunchCount_AndNoHostWait(string device, OptimizerKind optimizer, float dropout, bool balancedClassWeights, float clipNorm, int launchesPerStep)
    {
        using var backend = Open(device);
        var spec = ModelSpec.Create(ModelKind.Mlp, 32, 10, [16]);
        var options = new TrainOptions { Epochs = 1, BatchSize = Batch, EvalBatchSize = Batch, Optimizer = optimizer, Dropout = dropout,
            ClassWeight = balancedClassWeights ? ClassWeighting.BalancedWeights : ClassWeighting.None, ClipNorm = clipNorm };
        AssertPerStep(backend, spec, options, launchesPerStep);
    }

    [Slow]
    [Theory]
    [MemberData(nameof(DeviceRows))]
    public void SoftmaxStep_HasAFixedLaunchCount_AndNoHostWait(string device)
    {
        using var backend = Open(device);
        AssertPerStep(backend, ModelSpec.Create(ModelKind.Softmax, 32, 10), new TrainOptions { Epochs = 1, BatchSize = Batch, EvalBatchSize = Batch },
            SoftmaxLaunchesPerStep);
    }

    private static IlgpuBackend Open(string device) => (IlgpuBackend)TestDevices.Open(device);

    /// <summary>Epochs of two and three steps: their difference is one step's launches, and no host wait.</summary>
    private static void AssertPerStep(IlgpuBackend backend, ModelSpec spec, TrainOptions options, int launchesPerStep)
    {
        var (launches2, waits2) = OneEpoch(backend, spec, options, steps: 2);
        var (launches3, waits3) = OneEpoch(backend, spec, options, steps: 3);

        Assert.Equal(launchesPerStep, launches3 - launches2);
        Assert.Equal(0, waits3 - waits2);
        Assert.Equal(1, waits2); // the epoch's one wait: reading its loss and accuracy
    }

    /// <summary>Launches and host waits of one training epoch of <paramref name="steps"/> full batches (no test set).</summary>
    private static (long Launches, long Waits) OneEpoch(IlgpuBackend backend, ModelSpec spec, TrainOptions options, int steps)
    {
        var rng = new Random(steps);
        int rows = steps * Batch;
        var features = new float[rows * spec.Inputs];
        for (int i = 0; i < features.Length; i++)
            features[i] = (float)rng.NextDouble();
        var labels = Enumerable.Range(0, rows).Select(_ => rng.Next(spec.Classes)).ToArray();
        var train = new Dataset("launches", features, labels, spec.Inputs, spec.Classes);
        var test = new Dataset("none", [], [], spec.Inputs, spec.Classes);

        using var network = new Network(backend, spec, Batch);
        network.Initialise(InitScheme.Auto, seed: 1);
        using var trainer = new Trainer(backend, network, new DataSplit(train, test), options);
        long launches = backend.LaunchCount, waits = backend.Synchronizations;
        trainer.Fit();
        return (backend.LaunchCount - launches, backend.Synchronizations - waits);
    }
}
