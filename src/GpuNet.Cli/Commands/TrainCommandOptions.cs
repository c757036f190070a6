using System.CommandLine;
using System.Globalization;
using GpuNet.Data;
using GpuNet.Kernels;
using GpuNet.Nn;
using GpuNet.Optim;
using GpuNet.Training;

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

    public DataCommandOptions DataOptions { get; } = new(dataRequired: false);
    public Option<string> Model { get; } = new Option<string>("--model") { Description = "logistic (binary), softmax, or mlp", DefaultValueFactory = _ => "mlp" }.AcceptOnlyFromAmong("logistic", "softmax", "mlp");
    public Option<string?> Hidden { get; } = new("--hidden") { Description = "MLP hidden layer sizes, e.g. 256 or 256,128 [default: 256]" };
    public Option<string> Activation { get; } = new Option<string>("--activation") { Description = "MLP hidden nonlinearity", DefaultValueFactory = _ => "relu" }.AcceptOnlyFromAmong("relu", "sigmoid", "tanh");
    public Option<string> Init { get; } = new Option<string>("--init") { Description = "Weight initialisation: auto (He for relu, Xavier otherwise), he, xavier, normal (N(0, 0.01²)), zeros (linear models only)", DefaultValueFactory = _ => "auto" }.AcceptOnlyFromAmong("auto", "he", "xavier", "normal", "zeros");
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Passes over the training set [default: 10, more for small data sets: enough for 2000 SGD steps]" };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Rows per SGD step (the last partial batch is kept)", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<float?> LearningRate { get; } = new("--lr") { Description = $"SGD learning rate [default: {Defaults.LearningRate}, or {ToySetLearningRate} for the synthetic 2-D sets]" };
    public Option<float> Momentum { get; } = new("--momentum") { Description = "SGD momentum (PyTorch semantics; 0 for plain SGD)", DefaultValueFactory = _ => Defaults.Momentum };
    public Option<float> WeightDecay { get; } = new("--weight-decay") { Description = "L2 penalty added to the gradient (PyTorch's weight_decay)", DefaultValueFactory = _ => Defaults.WeightDecay };
    public Option<bool> Nesterov { get; } = new("--nesterov") { Description = "Nesterov momentum" };
    public Option<string> Optimizer { get; } = new Option<string>("--optimizer") { Description = "sgd, adam or adamw (torch.optim semantics; adam adds --weight-decay to the gradient, adamw decays the weights directly)", DefaultValueFactory = _ => "sgd" }.AcceptOnlyFromAmong("sgd", "adam", "adamw");
    public Option<double> Beta1 { get; } = Fraction("--beta1", "Adam/AdamW: decay rate of the first moment, in [0, 1)", Defaults.Beta1);
    public Option<double> Beta2 { get; } = Fraction("--beta2", "Adam/AdamW: decay rate of the second moment, in [0, 1)", Defaults.Beta2);
    public Option<float> Eps { get; } = Positive("--eps", "Adam/AdamW: added to the square root of the second moment", Defaults.Eps);
    public Option<double> Dropout { get; } = Fraction("--dropout", "MLP: probability of dropping each hidden unit in training (inverted dropout, as nn.Dropout), in [0, 1); 0 = off", 0f);
    public Option<string> Schedule { get; } = new Option<string>("--lr-schedule") { Description = "Learning-rate schedule: constant, step (×--lr-gamma every --lr-step epochs) or cosine (to zero over the run)", DefaultValueFactory = _ => "constant" }.AcceptOnlyFromAmong("constant", "step", "cosine");
    public Option<int> StepEpochs { get; } = new("--lr-step") { Description = "Step schedule: epochs between decays", DefaultValueFactory = _ => Defaults.StepEpochs };
    public Option<float> Gamma { get; } = new("--lr-gamma") { Description = "Step schedule: decay factor", DefaultValueFactory = _ => Defaults.Gamma };
    public Option<double> Warmup { get; } = new("--warmup") { Description = "Linear learning-rate warm-up, in epochs", DefaultValueFactory = _ => 0.0 };
    public Option<float> ClipNorm { get; } = new("--clip-norm") { Description = "Clip each step's gradients to this global L2 norm (PyTorch's clip_grad_norm_); 0 = off. Costs one device wait per step", DefaultValueFactory = _ => 0f };
    public Option<double> ValFraction { get; } = new("--val-fraction") { Description = "Share of the training set held out for validation (after a seeded shuffle); 0 = none", DefaultValueFactory = _ => 0.1 };
    public Option<int> EarlyStopping { get; } = new("--early-stopping") { Description = "Stop after N epochs without a lower validation loss, keeping the best weights; 0 = off", DefaultValueFactory = _ => 0 };
    public Option<string> Device { get; } = new("--device") { Description = "auto, cpu, ilgpu-cpu, cuda[:N] or opencl[:N] (see 'gpunet devices')", DefaultValueFactory = _ => "auto" };
    public Option<bool> NoShuffle { get; } = new("--no-shuffle") { Description = "Keep file order instead of reshuffling every epoch" };
    public Option<string?> Out { get; } = new("--out") { Description = "Directory for run.json, metrics.csv, summary.json, model.safetensors (last), model-best.safetensors, optimizer.safetensors and plots" };
    public Option<int> PlotEvery { get; } = new("--plot-every") { Description = "With --out and 2-D data: save a decision-boundary snapshot every N epochs (0 = only at the end)", DefaultValueFactory = _ => 0 };
    public Option<bool> Overwrite { get; } = new("--overwrite") { Description = "Let --out name a directory that holds an earlier run: its files (only those gpunet wrote) are removed when this run starts" };
    public Option<string?> Resume { get; } = new("--resume") { Description = "Continue the run saved in this --out directory; only --epochs (to extend it), --device, --distributed, --json, --quiet and --plot-every may be given besides" };
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
        Model, Hidden, Activation, Init,
        Epochs, BatchSize, LearningRate, Optimizer, Momentum, WeightDecay, Nesterov, Beta1, Beta2, Eps, Schedule, StepEpochs, Gamma, Warmup, ClipNorm,
        Dropout, ClassWeight,
        ValFraction, EarlyStopping,
        Device, Distributed, NoShuffle, .. Streaming.All, Out, Overwrite, PlotEvery, Resume, InitFrom, Json, Quiet,
    ];

    public TrainRequest Read(ParseResult parsed)
    {
        var model = Enum.Parse<ModelKind>(parsed.GetValue(Model)!, ignoreCase: true);
        var hiddenText = parsed.GetValue(Hidden);
        IReadOnlyList<int> hidden = hiddenText is null ? (model == ModelKind.Mlp ? [256] : []) : ParseHidden(hiddenText);
        var data = DataOptions.Read(parsed);
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
            Dropout = (float)parsed.GetValue(Dropout),
            Shuffle = !parsed.GetValue(NoShuffle),
            Seed = data.Seed,
            Schedule = Enum.Parse<ScheduleKind>(parsed.GetValue(Schedule)!, ignoreCase: true),
            StepEpochs = parsed.GetValue(StepEpochs),
            Gamma = parsed.GetValue(Gamma),
            WarmupEpochs = parsed.GetValue(Warmup),
            EarlyStoppingPatience = parsed.GetValue(EarlyStopping),
            ClipNorm = parsed.GetValue(ClipNorm),
            ClassWeight = ClassWeightOption.Read(parsed.GetValue(ClassWeight)!),
            Streaming = Streaming.Read(parsed),
        };
        return new TrainRequest(data, model, hidden,
            Enum.Parse<Activation>(parsed.GetValue(Activation)!, ignoreCase: true),
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
        };
    }

    /// <summary>A float option whose value must lie in [0, 1), checked at parse time with a message naming it.</summary>
    private static Option<double> Fraction(string name, string description, double defaultValue)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            double value = result.GetValueOrDefault<double>();
            if (!(value >= 0 && value < 1))
                result.AddError($"{name} must be in [0, 1) (got {value.ToString(CultureInfo.InvariantCulture)})");
        });
        return option;
    }

    private static Option<float> Positive(string name, string description, float defaultValue)
    {
        var option = new Option<float>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            float value = result.GetValueOrDefault<float>();
            if (!(value > 0) || float.IsInfinity(value))
                result.AddError($"{name} must be a positive number (got {value.ToString(CultureInfo.InvariantCulture)})");
        });
        return option;
    }

    /// <summary>"256,128" → [256, 128]; anything else is a usage error naming --hidden.</summary>
    public static IReadOnlyList<int> ParseHidden(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size <= 0)
                throw new UsageException($"--hidden '{text}' is not a list of positive integers such as 256 or 256,128");
            sizes.Add(size);
        }
        return sizes;
    }
}
