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
    /// count depends on the layers, not their sizes; the simulator's cost does), per step: one fused gather of rows and labels; per layer a forward GEMM and
    /// a fused bias+activation (4); the fused softmax cross-entropy (1); layer 1's weight-gradient
    /// GEMM, bias column sums, input-gradient GEMM and activation backward (4), layer 0's
    /// weight-gradient GEMM and column sums (2); one SGD launch over the flat parameter buffer, every layer at once (1).
    /// </summary>
    private const int MlpLaunchesPerStep = 13;

    /// <summary>
    /// Adam and AdamW cost what SGD costs: one launch updates every parameter and both moments, and the
    /// step count (for the bias corrections) is the host's, so it adds neither a launch nor a wait.
    /// </summary>
    private const int MlpAdamLaunchesPerStep = MlpLaunchesPerStep;

    /// <summary>
    /// Dropout on the one hidden layer adds two launches: the mask applied to its output forward, and the same mask
    /// (drawn again from the counter-based RNG, never stored) applied to its gradient backward.
    /// </summary>
    private const int MlpDropoutLaunchesPerStep = MlpLaunchesPerStep + 2;

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

    public static TheoryData<OptimizerKind, float, bool, float, int> Recipes => new()
    {
        { OptimizerKind.Sgd, 0f, false, 0f, MlpLaunchesPerStep },
        { OptimizerKind.Adam, 0f, false, 0f, MlpAdamLaunchesPerStep },
        { OptimizerKind.AdamW, 0.5f, false, 0f, MlpDropoutLaunchesPerStep },
        { OptimizerKind.Sgd, 0f, true, 0f, MlpClassWeightedLaunchesPerStep },
        { OptimizerKind.Sgd, 0f, false, 0.5f, MlpClippedLaunchesPerStep },
        { OptimizerKind.Adam, 0f, false, 0.5f, MlpClippedLaunchesPerStep },
    };

    [Slow]
    [Theory]
    [MemberData(nameof(Recipes))]
    public void MlpStep_HasAFixedLaunchCount_AndNoHostWait(OptimizerKind optimizer, float dropout, bool balancedClassWeights, float clipNorm, int launchesPerStep)
    {
        using var backend = DeviceCatalog.OpenIlgpuCpu();
        var spec = ModelSpec.Create(ModelKind.Mlp, 32, 10, [16]);
        var options = new TrainOptions { Epochs = 1, BatchSize = Batch, EvalBatchSize = Batch, Optimizer = optimizer, Dropout = dropout,
            ClassWeight = balancedClassWeights ? ClassWeighting.BalancedWeights : ClassWeighting.None, ClipNorm = clipNorm };
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
