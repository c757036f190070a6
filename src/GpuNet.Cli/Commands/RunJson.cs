using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GpuNet.Optim;

namespace GpuNet.Cli.Commands;

/// <summary>
/// run.json's text: one flat object in snake_case, each key named after the option that sets it (<c>lr</c>,
/// <c>batch_size</c>, <c>lr_schedule</c>), holding what applies to the run (no <c>samples</c> for a file, no
/// <c>momentum</c> for Adam) or was given anyway, and floats as given (<c>0.3</c>, not the float's 0.30000001192092896).
/// Read back, an absent key takes the option's default, so the request is the one that was saved.
/// </summary>
public static class RunJson
{
    /// <summary>The version of this layout; files without it are the nested PascalCase of the first run.json (<see cref="RunManifest"/>).</summary>
    public const int Format = 2;

    private static readonly TrainOptions DefaultTrain = new();

    /// <summary>run.json's bookkeeping, which says nothing about how the run trained: the layout, the data files' fingerprints, whether --epochs was given and the cap of the count chosen without it.</summary>
    private static readonly string[] NotOptions = ["format", "data_files", "epochs_given", "max_auto_epochs"];

    /// <summary>The hyperparameters the run trains with, in run.json's keys, without its bookkeeping (summary.json's options, <c>gpunet runs</c>' columns).</summary>
    public static JsonObject Options(TrainRequest r)
    {
        var options = JsonNode.Parse(Write(r))!.AsObject();
        foreach (var key in NotOptions) options.Remove(key);
        return options;
    }

    public static string Write(TrainRequest r)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var d = r.Data;
            var t = r.Train;
            string source = d.Source.Trim();
            bool synthetic = SyntheticData.Contains(source), catalog = DatasetCatalog.Contains(source), file = !synthetic && !catalog;
            bool npy = file && source.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);
            bool mlp = r.Model == ModelKind.Mlp, sgd = t.Optimizer == OptimizerKind.Sgd;
            w.WriteStartObject();
            w.WriteNumber("format", Format);
            w.WriteString("data", d.Source);
            if (d.DataDir is not null) w.WriteString("data_dir", d.DataDir);
            if (d.TestData is not null) w.WriteString("test_data", d.TestData);
            if (d.Labels is not null) w.WriteString("labels", d.Labels);
            if (d.TestLabels is not null) w.WriteString("test_labels", d.TestLabels);
            if ((!catalog && d.TestData is null) || d.TestFraction != 0.2) w.WriteNumber("test_fraction", d.TestFraction);
            if (d.LabelName is { } labelName) w.WriteString("label_column", labelName);
            else if ((file && !npy) || d.LabelColumn != 0) w.WriteNumber("label_column", d.LabelColumn);
            if (d.IgnoreColumns.Count > 0) Strings(w, "ignore_columns", d.IgnoreColumns);
            if (d.IdColumn is not null) w.WriteString("id_column", d.IdColumn);
            if (d.Categorical.Count > 0) Strings(w, "categorical", d.Categorical);
            if (d.Impute is { } impute) w.WriteString("impute", impute.Name());
            if (d.Header is { } header) w.WriteBoolean("header", header);
            if (synthetic || d.Samples != 1000) w.WriteNumber("samples", d.Samples);
            if (d.Classes is { } classes) w.WriteNumber("classes", classes);
            if (d.Noise is { } noise) Float(w, "noise", noise);
            // seed seeds the initialisation and dropout; the data's seed is data_seed where given, seed where not.
            w.WriteNumber("seed", t.Seed);
            if (t.DataSeed is { } dataSeed) w.WriteNumber("data_seed", dataSeed);
            w.WriteString("standardize", Name(r.Standardize));
            w.WriteString("model", Name(r.Model));
            if (mlp || r.Hidden.Count > 0)
            {
                w.WriteStartArray("hidden");
                foreach (int h in r.Hidden) w.WriteNumberValue(h);
                w.WriteEndArray();
            }
            if (mlp || r.Activation != Activation.Relu) w.WriteString("activation", Name(r.Activation));
            w.WriteString("init", Name(r.Init));
            if (r.InitFrom is not null) w.WriteString("init_from", r.InitFrom);
            w.WriteNumber("epochs", t.Epochs);
            w.WriteBoolean("epochs_given", r.EpochsGiven);
            if (!r.EpochsGiven) w.WriteNumber("max_auto_epochs", r.MaxAutoEpochs);
            w.WriteNumber("batch_size", t.BatchSize);
            w.WriteString("optimizer", Name(t.Optimizer));
            Float(w, "lr", t.LearningRate);
            if (sgd || t.Momentum != DefaultTrain.Momentum) Float(w, "momentum", t.Momentum);
            if (sgd || t.Nesterov) w.WriteBoolean("nesterov", t.Nesterov);
            if (!sgd || t.Beta1 != DefaultTrain.Beta1) w.WriteNumber("beta1", t.Beta1);
            if (!sgd || t.Beta2 != DefaultTrain.Beta2) w.WriteNumber("beta2", t.Beta2);
            if (!sgd || t.Eps != DefaultTrain.Eps) Float(w, "eps", t.Eps);
            Float(w, "weight_decay", t.WeightDecay);
            if (mlp || t.Dropout != 0) Float(w, "dropout", t.Dropout);
            w.WriteString("lr_schedule", Name(t.Schedule));
            if (t.Schedule == ScheduleKind.Step || t.StepEpochs != DefaultTrain.StepEpochs) w.WriteNumber("lr_step", t.StepEpochs);
            if (t.Schedule == ScheduleKind.Step || t.Gamma != DefaultTrain.Gamma) Float(w, "lr_gamma", t.Gamma);
            w.WriteNumber("warmup", t.WarmupEpochs);
            Float(w, "clip_norm", t.ClipNorm);
            WriteClassWeight(w, t.ClassWeight);
            w.WriteNumber("val_fraction", r.ValFraction);
            w.WriteNumber("early_stopping", t.EarlyStoppingPatience);
            w.WriteBoolean("shuffle", t.Shuffle);
            if (t.Streaming.MemoryLimit is { } limit) w.WriteNumber("max_memory", limit);
            w.WriteNumber("shuffle_buffer", t.Streaming.ShuffleBuffer);
            if (t.Streaming.ChunkRows is { } chunkRows) w.WriteNumber("chunk_rows", chunkRows);
            w.WriteString("device", r.Device);
            w.WriteNumber("ranks", r.Ranks);
            w.WriteStartArray("data_files");
            foreach (var f in r.DataFiles ?? [])
            {
                w.WriteStartObject();
                w.WriteString("path", f.Path);
                w.WriteNumber("bytes", f.Bytes);
                w.WriteString("sha256", f.Sha256);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The request a run.json of this layout describes; <see cref="JsonException"/> or <see cref="FormatException"/> for one that does not parse.</summary>
    public static TrainRequest Read(JsonElement root)
    {
        // A run.json from before data_seed has only seed, which seeded both, as it still does without --data-seed.
        int seed = Get(root, "seed", e => e.GetInt32(), 0);
        int? dataSeed = Get<int?>(root, "data_seed", e => e.GetInt32(), null);
        var data = new DataOptions
        {
            Source = root.GetProperty("data").GetString() ?? throw new JsonException("data is null"),
            DataDir = Text(root, "data_dir"),
            TestData = Text(root, "test_data"),
            Labels = Text(root, "labels"),
            TestLabels = Text(root, "test_labels"),
            TestFraction = Get(root, "test_fraction", e => e.GetDouble(), 0.2),
            LabelColumn = Get(root, "label_column", e => e.ValueKind == JsonValueKind.Number ? e.GetInt32() : 0, 0),
            LabelName = Get<string?>(root, "label_column", e => e.ValueKind == JsonValueKind.String ? e.GetString() : null, null),
            IgnoreColumns = Get<IReadOnlyList<string>>(root, "ignore_columns", e => e.EnumerateArray().Select(c => c.GetString() ?? throw new JsonException("ignore_columns holds null")).ToArray(), []),
            IdColumn = Text(root, "id_column"),
            Categorical = Get<IReadOnlyList<string>>(root, "categorical", e => e.EnumerateArray().Select(c => c.GetString() ?? throw new JsonException("categorical holds null")).ToArray(), []),
            Impute = Text(root, "impute") is { } impute ? (ImputeStrategies.TryParse(impute, out var strategy) ? strategy : throw new JsonException($"impute is {impute}")) : null,
            Header = Get<bool?>(root, "header", e => e.GetBoolean(), null),
            Samples = Get(root, "samples", e => e.GetInt32(), 1000),
            Classes = Get<int?>(root, "classes", e => e.GetInt32(), null),
            Noise = Get<float?>(root, "noise", e => e.GetSingle(), null),
            Seed = dataSeed ?? seed,
        };
        var train = new TrainOptions
        {
            Epochs = Get(root, "epochs", e => e.GetInt32(), DefaultTrain.Epochs),
            BatchSize = Get(root, "batch_size", e => e.GetInt32(), DefaultTrain.BatchSize),
            Optimizer = Get(root, "optimizer", e => Parse<OptimizerKind>(e), DefaultTrain.Optimizer),
            LearningRate = Get(root, "lr", e => e.GetSingle(), DefaultTrain.LearningRate),
            Momentum = Get(root, "momentum", e => e.GetSingle(), DefaultTrain.Momentum),
            Nesterov = Get(root, "nesterov", e => e.GetBoolean(), false),
            Beta1 = Get(root, "beta1", e => e.GetDouble(), DefaultTrain.Beta1),
            Beta2 = Get(root, "beta2", e => e.GetDouble(), DefaultTrain.Beta2),
            Eps = Get(root, "eps", e => e.GetSingle(), DefaultTrain.Eps),
            WeightDecay = Get(root, "weight_decay", e => e.GetSingle(), 0f),
            Dropout = Get(root, "dropout", e => e.GetSingle(), 0f),
            Schedule = Get(root, "lr_schedule", e => Parse<ScheduleKind>(e), DefaultTrain.Schedule),
            StepEpochs = Get(root, "lr_step", e => e.GetInt32(), DefaultTrain.StepEpochs),
            Gamma = Get(root, "lr_gamma", e => e.GetSingle(), DefaultTrain.Gamma),
            WarmupEpochs = Get(root, "warmup", e => e.GetDouble(), 0),
            ClipNorm = Get(root, "clip_norm", e => e.GetSingle(), 0f),
            ClassWeight = Get(root, "class_weight", ReadClassWeight, ClassWeighting.None),
            EarlyStoppingPatience = Get(root, "early_stopping", e => e.GetInt32(), 0),
            Shuffle = Get(root, "shuffle", e => e.GetBoolean(), true),
            Seed = seed,
            DataSeed = dataSeed,
            Streaming = new StreamingOptions
            {
                MemoryLimit = Get<long?>(root, "max_memory", e => e.GetInt64(), null),
                ShuffleBuffer = Get(root, "shuffle_buffer", e => e.GetInt32(), StreamingOptions.DefaultShuffleBuffer),
                ChunkRows = Get<int?>(root, "chunk_rows", e => e.GetInt32(), null),
            },
        };
        var model = Parse<ModelKind>(root.GetProperty("model"));
        IReadOnlyList<int> hidden = Get<IReadOnlyList<int>>(root, "hidden", e => e.EnumerateArray().Select(h => h.GetInt32()).ToArray(), []);
        return new TrainRequest(data, model, hidden,
            Get(root, "activation", e => Parse<Activation>(e), Activation.Relu),
            Get(root, "init", e => Parse<InitScheme>(e), InitScheme.Auto),
            train with { EvalBatchSize = Math.Max(train.BatchSize, DefaultTrain.EvalBatchSize) },
            root.GetProperty("device").GetString() ?? throw new JsonException("device is null"),
            OutDir: null, Json: false,
            EpochsGiven: Get(root, "epochs_given", e => e.GetBoolean(), true),
            ValFraction: Get(root, "val_fraction", e => e.GetDouble(), 0.1),
            Quiet: false,
            InitFrom: Text(root, "init_from"),
            DataFiles: Get<IReadOnlyList<DataFile>>(root, "data_files", e => e.EnumerateArray().Select(f =>
                new DataFile(f.GetProperty("path").GetString()!, f.GetProperty("bytes").GetInt64(), f.GetProperty("sha256").GetString()!)).ToArray(), []))
        {
            Standardize = Get(root, "standardize", e => Parse<StandardizeMode>(e), StandardizeMode.Auto),
            Ranks = Get(root, "ranks", e => e.GetInt32(), 1),
            MaxAutoEpochs = Get(root, "max_auto_epochs", e => e.GetInt32(), TrainOptions.MaxAutoEpochs),
        };
    }

    /// <summary>A float as it was given: its shortest round-trip text, which reads back to the same float.</summary>
    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static void Float(Utf8JsonWriter w, string name, float value) =>
        w.WriteNumber(name, double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    private static void WriteClassWeight(Utf8JsonWriter w, ClassWeighting weighting)
    {
        if (weighting.Weights is { } weights)
        {
            w.WriteStartArray("class_weight");
            foreach (float v in weights) w.WriteNumberValue(double.Parse(v.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            w.WriteEndArray();
        }
        else w.WriteString("class_weight", weighting.Balanced ? "balanced" : "none");
    }

    private static ClassWeighting ReadClassWeight(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? new ClassWeighting(false, e.EnumerateArray().Select(v => v.GetSingle()).ToArray())
        : e.GetString() switch
        {
            "balanced" => ClassWeighting.BalancedWeights,
            "none" => ClassWeighting.None,
            var other => throw new JsonException($"class_weight '{other}' is none, balanced or an array of weights"),
        };

    /// <summary>An enum as its option spells it (adamw, cosine, mlp).</summary>
    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static T Parse<T>(JsonElement e) where T : struct, Enum =>
        Enum.TryParse<T>((e.GetString() ?? "").Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value : throw new JsonException($"'{e.GetString()}' is not a {typeof(T).Name}");

    private static string? Text(JsonElement root, string name) => Get<string?>(root, name, e => e.GetString(), null);

    private static T Get<T>(JsonElement root, string name, Func<JsonElement, T> read, T absent) =>
        root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? read(e) : absent;
}
