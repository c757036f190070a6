using GpuNet.Optim;

namespace GpuNet.Cli.Commands;

/// <summary>The options of <c>gpunet train</c>, their defaults, and their translation into a <see cref="TrainRequest"/>.</summary>
public sealed class TrainCommandOptions
{
    private static readonly TrainOptions Defaults = new();

    /// <summary>
    /// The 2-D toy sets are tiny and well scaled: 0.01 (right for images) needs thousands more
    /// steps there, so they default to 0.1 — spirals then converge within the auto epoch count.
    /// </summary>
    public const float ToySetLearningRate = 0.1f;

    /// <summary>The share of the training rows held out for validation where no --val-fraction is given (tables: <see cref="MlpDefaults.TableValidationFraction"/>).</summary>
    public const double DefaultValFraction = 0.1;

    public DataCommandOptions DataOptions { get; } = new(dataRequired: false);
    public ModelSpecOptions ModelOptions { get; } = new();
    public Option<string> Init { get; } = new Option<string>("--init") { Description = "Weight initialisation: auto (He for relu, Xavier otherwise), he, xavier, normal (N(0, 0.01²)), zeros (linear models only); an MLP on a CSV or .npy table defaults to xavier (Glorot, as scikit-learn)", DefaultValueFactory = _ => "auto" }.AcceptOnlyFromAmong("auto", "he", "xavier", "normal", "zeros");
    public Option<int?> Epochs { get; } = new Option<int?>("--epochs") { Description = "Passes over the training set [default: 10, more for small data sets: enough for 2000 steps, at most 1000 (200 for an MLP on a CSV or .npy table)]" }.Within(TrainOptionRanges.Epochs);
    public Option<int> BatchSize { get; } = new Option<int>("--batch-size") { Description = $"Rows per step (the last partial batch is kept); an MLP on a CSV or .npy table or on images defaults to {MlpDefaults.BatchSize}", DefaultValueFactory = _ => Defaults.BatchSize }.Within(TrainOptionRanges.BatchSize);
    public Option<float?> LearningRate { get; } = new Option<float?>("--lr") { Description = $"Learning rate of the optimiser (sgd, adam, adamw) [default: {Defaults.LearningRate}, or {ToySetLearningRate} for the synthetic 2-D sets; {MlpDefaults.LearningRate} (with adam) for an MLP on a CSV or .npy table or on images]" }.Within(TrainOptionRanges.LearningRate);
    public Option<float> Momentum { get; } = new Option<float>("--momentum") { Description = "SGD momentum (PyTorch semantics; 0 for plain SGD), in [0, 1)", DefaultValueFactory = _ => Defaults.Momentum }.Within(TrainOptionRanges.Momentum);
    public Option<float> WeightDecay { get; } = new Option<float>("--weight-decay") { Description = "L2 penalty added to the gradient (PyTorch's weight_decay); see --optimizer for an MLP on a CSV or .npy table or on images", DefaultValueFactory = _ => Defaults.WeightDecay }.Within(TrainOptionRanges.WeightDecay);
    public Option<bool> Nesterov { get; } = new("--nesterov") { Description = "Nesterov momentum" };
    public Option<string> Optimizer { get; } = new Option<string>("--optimizer") { Description = "sgd, adam or adamw (torch.optim semantics; adam adds --weight-decay to the gradient, adamw decays the weights directly); an MLP on a CSV or .npy table or on images defaults to adam at --lr 0.001 with --weight-decay 0.0001 unless an optimiser option (--optimizer, --lr, --momentum, --nesterov, --weight-decay, --beta1, --beta2, --eps) is named", DefaultValueFactory = _ => "sgd" }.AcceptOnlyFromAmong("sgd", "adam", "adamw");
    public Option<double> Beta1 { get; } = new Option<double>("--beta1") { Description = "Adam/AdamW: decay rate of the first moment, in [0, 1)", DefaultValueFactory = _ => Defaults.Beta1 }.Within(TrainOptionRanges.Beta1);
    public Option<double> Beta2 { get; } = new Option<double>("--beta2") { Description = "Adam/AdamW: decay rate of the second moment, in [0, 1)", DefaultValueFactory = _ => Defaults.Beta2 }.Within(TrainOptionRanges.Beta2);
    public Option<float> Eps { get; } = new Option<float>("--eps") { Description = "Adam/AdamW: added to the square root of the second moment", DefaultValueFactory = _ => Defaults.Eps }.Within(TrainOptionRanges.Eps);
    public Option<float> Dropout { get; } = new Option<float>("--dropout") { Description = "MLP: probability of dropping each hidden unit in training (inverted dropout, as nn.Dropout), in [0, 1); 0 = off", DefaultValueFactory = _ => Defaults.Dropout }.Within(TrainOptionRanges.Dropout);
    public Option<string> Schedule { get; } = new Option<string>("--lr-schedule") { Description = "Learning-rate schedule: constant, step (×--lr-gamma every --lr-step epochs) or cosine (to zero over the run)", DefaultValueFactory = _ => "constant" }.AcceptOnlyFromAmong("constant", "step", "cosine");
    public Option<int> StepEpochs { get; } = new Option<int>("--lr-step") { Description = "Step schedule: epochs between decays", DefaultValueFactory = _ => Defaults.StepEpochs }.Within(TrainOptionRanges.StepEpochs);
    public Option<float> Gamma { get; } = new Option<float>("--lr-gamma") { Description = "Step schedule: decay factor, in (0, 1]", DefaultValueFactory = _ => Defaults.Gamma }.Within(TrainOptionRanges.Gamma);
    public Option<double> Warmup { get; } = new Option<double>("--warmup") { Description = "Linear learning-rate warm-up, in epochs", DefaultValueFactory = _ => Defaults.WarmupEpochs }.Within(TrainOptionRanges.WarmupEpochs);
    public Option<float> ClipNorm { get; } = new Option<float>("--clip-norm") { Description = "Clip each step's gradients to this global L2 norm (PyTorch's clip_grad_norm_); 0 = off (the norm is computed on the device: no wait)", DefaultValueFactory = _ => Defaults.ClipNorm }.Within(TrainOptionRanges.ClipNorm);
    public Option<double> ValFraction { get; } = new Option<double>("--val-fraction") { Description = "Share of the training set held out for validation (after a seeded shuffle); 0 = none; an MLP on a CSV or .npy table defaults to 0 (every row trains) unless --early-stopping is given", DefaultValueFactory = _ => DefaultValFraction }.Within(TrainOptionRanges.ValidationFraction);
    public Option<int?> DataSeed { get; } = new("--data-seed") { Description = "Seed of the data: synthetic sets, the held-out test and validation splits, and the shuffle order [default: --seed]; models that share it train on the same minibatches" };
    public Option<int> EarlyStopping { get; } = new Option<int>("--early-stopping") { Description = "Stop after N epochs without a lower validation loss, keeping the best weights; 0 = off", DefaultValueFactory = _ => Defaults.EarlyStoppingPatience }.Within(TrainOptionRanges.EarlyStoppingPatience);
    public Option<string> Device { get; } = DeviceOption.Create();
    public Option<bool> NoShuffle { get; } = new("--no-shuffle") { Description = "Keep file order instead of reshuffling every epoch" };
    public Option<string?> Out { get; } = new("--out") { Description = "Directory for run.json, metrics.csv, summary.json, model.safetensors (last), model-best.safetensors, optimizer.safetensors and plots" };
    public Option<int> PlotEvery { get; } = new Option<int>("--plot-every") { Description = "With --out and 2-D data: save a decision-boundary snapshot every N epochs (0 = only at the end)", DefaultValueFactory = _ => 0 }.AtLeast(0);
    public Option<bool> Overwrite { get; } = new("--overwrite") { Description = "Let --out name a directory that holds an earlier run: the files it recorded as its own, unchanged, are removed when this run starts; any other file there under a name this run writes stops it" };
    public Option<string?> Resume { get; } = new("--resume") { Description = "Continue the run saved in this --out directory; only --epochs (to extend it), --device, --distributed, --json, --quiet and --plot-every may differ from the run's; any other option, at its saved value only" };
    public Option<string?> InitFrom { get; } = new("--init-from") { Description = "Start from the weights of this .safetensors checkpoint (same architecture)" };
    public Option<bool> Json { get; } = new("--json") { Description = "Print the run summary as JSON on stdout (progress goes to stderr)" };
    public Option<bool> Quiet { get; } = new("--quiet") { Description = "One plain line per epoch, no live progress bar" };
    public Option<string> Standardize { get; } = new Option<string>("--standardize") { Description = "Z-score every feature with the training split's mean and standard deviation (scikit-learn's StandardScaler); auto = on for CSV and .npy files, off for IDX images and the synthetic sets", DefaultValueFactory = _ => "auto" }.AcceptOnlyFromAmong("auto", "on", "off");

    public Option<string> ClassWeight { get; } = ClassWeightOption.Create();
    public Option<string> Distributed { get; } = DistributedOption.Create();
    public StreamingCommandOptions Streaming { get; } = new();

    public IEnumerable<Option> All =>
    [
        .. DataOptions.All,
        Standardize,
        .. ModelOptions.All, Init,
        Epochs, BatchSize, LearningRate, Optimizer, Momentum, WeightDecay, Nesterov, Beta1, Beta2, Eps, Schedule, StepEpochs, Gamma, Warmup, ClipNorm,
        Dropout, ClassWeight,
        ValFraction, DataSeed, EarlyStopping,
        Device, Distributed, NoShuffle, .. Streaming.All, Out, Overwrite, PlotEvery, Resume, InitFrom, Json, Quiet,
    ];

    public TrainRequest Read(ParseResult parsed)
    {
        var (model, hidden, activation) = ModelOptions.Read(parsed);
        var data = DataOptions.Read(parsed);
        int seed = data.Seed;
        int? dataSeed = parsed.GetValue(DataSeed);
        data = data with { Seed = dataSeed ?? seed };
        var train = new TrainOptions
        {
            Epochs = parsed.GetValue(Epochs) ?? Defaults.Epochs,
            BatchSize = parsed.GetValue(BatchSize),
            LearningRate = parsed.GetValue(LearningRate) ?? (SyntheticData.Contains(data.Source) ? ToySetLearningRate : Defaults.LearningRate),
            Momentum = parsed.GetValue(Momentum),
            WeightDecay = parsed.GetValue(WeightDecay),
            Nesterov = parsed.GetValue(Nesterov),
            Optimizer = Enum.Parse<OptimizerKind>(parsed.GetValue(Optimizer)!, ignoreCase: true),
            Beta1 = parsed.GetValue(Beta1),
            Beta2 = parsed.GetValue(Beta2),
            Eps = parsed.GetValue(Eps),
            Dropout = parsed.GetValue(Dropout),
            Shuffle = !parsed.GetValue(NoShuffle),
            Seed = seed,
            DataSeed = dataSeed,
            Schedule = Enum.Parse<ScheduleKind>(parsed.GetValue(Schedule)!, ignoreCase: true),
            StepEpochs = parsed.GetValue(StepEpochs),
            Gamma = parsed.GetValue(Gamma),
            WarmupEpochs = parsed.GetValue(Warmup),
            EarlyStoppingPatience = parsed.GetValue(EarlyStopping),
            ClipNorm = parsed.GetValue(ClipNorm),
            ClassWeight = ClassWeightOption.Read(parsed.GetValue(ClassWeight)!),
            Streaming = Streaming.Read(parsed),
        };
        return MlpRecipe.Apply(new TrainRequest(data, model, hidden, activation,
            Enum.Parse<InitScheme>(parsed.GetValue(Init)!, ignoreCase: true),
            train with { EvalBatchSize = Math.Max(train.BatchSize, Defaults.EvalBatchSize) },
            parsed.GetValue(Device)!, parsed.GetValue(Out), parsed.GetValue(Json),
            EpochsGiven: parsed.GetValue(Epochs) is not null,
            ValFraction: parsed.GetValue(ValFraction),
            Quiet: parsed.GetValue(Quiet),
            PlotEvery: parsed.GetValue(PlotEvery),
            Resume: parsed.GetValue(Resume),
            InitFrom: parsed.GetValue(InitFrom),
            Overwrite: parsed.GetValue(Overwrite),
            Given: All.Where(option => parsed.GetResult(option) is { Implicit: false }).Select(option => option.Name).ToHashSet(StringComparer.Ordinal))
        {
            Standardize = Enum.Parse<StandardizeMode>(parsed.GetValue(Standardize)!, ignoreCase: true),
            Distributed = DistributedOption.Read(parsed.GetValue(Distributed)!),
        });
    }
}
