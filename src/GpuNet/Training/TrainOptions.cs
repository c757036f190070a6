using System.Text.Json.Serialization;
using GpuNet.Optim;
using GpuNet.Settings;

namespace GpuNet.Training;

/// <summary>Everything about how to train, as opposed to what (the model) and on what (the data).</summary>
public sealed record TrainOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public float LearningRate { get; init; } = 0.01f;
    public float Momentum { get; init; } = 0.9f;
    public float WeightDecay { get; init; }
    public bool Nesterov { get; init; }
    /// <summary>SGD (the default, so saved runs keep their meaning), Adam or AdamW, each as in torch.optim.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;
    /// <summary>Adam/AdamW: decay rate of the first moment (PyTorch's betas[0]).</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam/AdamW: decay rate of the second moment (PyTorch's betas[1]).</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>Adam/AdamW: added to the denominator's square root (PyTorch's eps).</summary>
    public float Eps { get; init; } = 1e-8f;
    /// <summary>Probability of dropping each hidden unit in training (inverted dropout); 0 = off.</summary>
    public float Dropout { get; init; }
    /// <summary>Reshuffle the training rows every epoch (from <see cref="Seed"/>); false keeps file order.</summary>
    public bool Shuffle { get; init; } = true;
    /// <summary>Seeds the initialisation and dropout, and the data order too unless <see cref="DataSeed"/> is given.</summary>
    public int Seed { get; init; }
    /// <summary>
    /// Seeds the data: the validation split and the shuffle order (the CLI also seeds synthetic sets and held-out test
    /// splits with it). Null = <see cref="Seed"/>, so runs saved before it existed keep their order. Models that share
    /// it see the same minibatches, whatever their own <see cref="Seed"/>.
    /// </summary>
    public int? DataSeed { get; init; }

    /// <summary>The seed of the validation split and the shuffle order: <see cref="DataSeed"/>, else <see cref="Seed"/>.</summary>
    [JsonIgnore]
    public int OrderSeed => DataSeed ?? Seed;
    /// <summary>Rows per forward pass when evaluating; larger than training batches since no gradients are kept.</summary>
    public int EvalBatchSize { get; init; } = 1024;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;
    /// <summary>Step schedule: epochs between decays.</summary>
    public int StepEpochs { get; init; } = 30;
    /// <summary>Step schedule: the factor applied at each decay.</summary>
    public float Gamma { get; init; } = 0.1f;
    /// <summary>Linear warm-up length, in epochs (fractions allowed).</summary>
    public double WarmupEpochs { get; init; }
    /// <summary>Scale each step's gradients so their global L2 norm is at most this (PyTorch's clip_grad_norm_); 0 = off.</summary>
    public float ClipNorm { get; init; }
    /// <summary>Stop after this many epochs without a lower validation loss and restore the best weights; 0 = never.</summary>
    public int EarlyStoppingPatience { get; init; }
    /// <summary>Class weights of the training loss (validation and test losses stay unweighted).</summary>
    public ClassWeighting ClassWeight { get; init; } = ClassWeighting.None;
    /// <summary>Reports of the running training loss inside an epoch at most this often (each costs one device wait).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How a training set larger than the memory the run may use is streamed.</summary>
    public StreamingOptions Streaming { get; init; } = new();

    [JsonIgnore] // derived from the options above; saved run descriptions keep only the options
    public LearningRateSchedule LearningRateSchedule => new(LearningRate, Schedule, Epochs, StepEpochs, Gamma, WarmupEpochs);

    /// <summary>Steps (minibatches) in one epoch over <paramref name="rows"/> rows: the last partial batch is kept.</summary>
    public static int StepsPerEpoch(int rows, int batchSize) => (int)(((long)rows + batchSize - 1) / batchSize); // long: rows + batch may pass int.MaxValue

    /// <summary>
    /// The epoch count when the user gives none: 10, or more for small data sets, so that
    /// training takes at least <see cref="AutoEpochSteps"/> SGD steps (capped at <paramref name="maxEpochs"/>).
    /// Ten epochs of 800 points are only 70 steps of batch 128 — far from converged.
    /// </summary>
    public static int AutoEpochs(int rows, int batchSize, int maxEpochs = MaxAutoEpochs) =>
        Math.Clamp((AutoEpochSteps + StepsPerEpoch(rows, batchSize) - 1) / StepsPerEpoch(rows, batchSize), Math.Min(10, maxEpochs), maxEpochs);

    public const int AutoEpochSteps = 2000;

    /// <summary>The automatic epoch count's cap, unless the data's recipe sets another (<see cref="MlpDefaults.TableMaxAutoEpochs"/>).</summary>
    public const int MaxAutoEpochs = 1000;

    /// <summary>Throws a UsageException naming the first option that cannot work (ranges: <see cref="TrainOptionRanges"/>).</summary>
    public void Validate()
    {
        TrainOptionRanges.Epochs.Check(Epochs);
        TrainOptionRanges.BatchSize.Check(BatchSize);
        TrainOptionRanges.LearningRate.Check(LearningRate);
        TrainOptionRanges.Momentum.Check(Momentum);
        TrainOptionRanges.WeightDecay.Check(WeightDecay);
        if (Nesterov && Momentum == 0) throw new UsageException($"{Setting.Nesterov} needs a non-zero {Setting.Momentum} (as in PyTorch)");
        if (EvalBatchSize < 1) throw new UsageException($"the evaluation batch size must be at least 1 (got {EvalBatchSize})");
        TrainOptionRanges.StepEpochs.Check(StepEpochs);
        TrainOptionRanges.Gamma.Check(Gamma);
        TrainOptionRanges.WarmupEpochs.Check(WarmupEpochs);
        TrainOptionRanges.ClipNorm.Check(ClipNorm);
        TrainOptionRanges.Beta1.Check(Beta1);
        TrainOptionRanges.Beta2.Check(Beta2);
        TrainOptionRanges.Eps.Check(Eps);
        TrainOptionRanges.Dropout.Check(Dropout);
        Streaming.Validate();
        TrainOptionRanges.EarlyStoppingPatience.Check(EarlyStoppingPatience);
    }
}
