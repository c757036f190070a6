using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using GpuNet.Backends;
using GpuNet.Data;
using GpuNet.Kernels;
using GpuNet.Nn;

namespace GpuNet.Checkpoints;

/// <summary>
/// A trained model as a file: a clean PyTorch-style state dict (layers.{i}.weight [out, in], layers.{i}.bias [out])
/// in safetensors, with everything needed to use it again in the metadata — the architecture, the preprocessing,
/// the class names, the epoch and step it was saved at, and any pairs the caller adds (<see cref="Extra"/>).
/// A checkpoint always matches its own spec: every tensor present, with its exact shape and finite values.
/// </summary>
public sealed class ModelCheckpoint
{
    // Metadata keys. "format": "pt" is what PyTorch tooling (transformers) looks for in a state dict.
    public const string FormatKey = "format", ModelKey = "model", InputsKey = "inputs", ClassesKey = "classes",
        HiddenKey = "hidden", ActivationKey = "activation", PreprocessingKey = "preprocessing",
        ClassNamesKey = "class_names", EpochKey = "epoch", StepKey = "step",
        StandardizeMeanKey = "standardize_mean", StandardizeScaleKey = "standardize_scale",
        FeatureNamesKey = "feature_names", SkippedColumnsKey = "skipped_columns", FeatureEncodingKey = "feature_encoding";

    private static readonly HashSet<string> ReservedKeys =
        [FormatKey, ModelKey, InputsKey, ClassesKey, HiddenKey, ActivationKey, PreprocessingKey, ClassNamesKey, EpochKey, StepKey,
         StandardizeMeanKey, StandardizeScaleKey, FeatureNamesKey, SkippedColumnsKey, FeatureEncodingKey, SafetensorsFile.ChecksumKey];

    /// <summary>Bounds the model a corrupt header can make us build.</summary>
    private const int MaxHiddenLayers = 1000;

    /// <summary>Class names stay readable in the header: only what JSON requires is escaped.</summary>
    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] ModelNames = Enum.GetValues<ModelKind>().Select(ModelSpec.Name).ToArray();
    private static readonly string[] ActivationNames = Enum.GetValues<Activation>().Select(ActivationName).ToArray();

    /// <param name="parameters">The spec's tensors, in any order (kept in state-dict order).</param>
    /// <param name="classNames">One name per class (<see cref="ModelSpec.Classes"/>).</param>
    /// <param name="epoch">The epoch the weights come from (0 before training).</param>
    /// <param name="step">SGD steps taken to get them (<see cref="Training.TrainingState.GlobalStep"/>).</param>
    /// <param name="extra">More metadata pairs to store, e.g. the training options; keys must not be one of this class's keys.</param>
    /// <param name="standardization">The z-score applied after <paramref name="preprocessing"/>, or null for none.</param>
    public ModelCheckpoint(ModelSpec spec, IReadOnlyList<NamedTensor> parameters, Preprocessing preprocessing,
        IReadOnlyList<string> classNames, int epoch, long step, IReadOnlyDictionary<string, string>? extra = null,
        Standardization? standardization = null)
    {
        if (standardization is not null && standardization.FeatureCount != spec.Inputs)
            throw new ArgumentException($"a standardisation of {standardization.FeatureCount} features for a model of {spec.Inputs} inputs", nameof(standardization));
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (classNames.Count != spec.Classes)
            throw new ArgumentException($"{classNames.Count} class names for {spec.Classes} classes", nameof(classNames));
        var clash = extra?.Keys.FirstOrDefault(ReservedKeys.Contains);
        if (clash is not null)
            throw new ArgumentException($"metadata key '{clash}' is reserved for the checkpoint itself", nameof(extra));
        Spec = spec;
        Parameters = SpecTensors.Check(spec, parameters, "checkpoint");
        Preprocessing = preprocessing;
        ClassNames = classNames.ToArray();
        Epoch = epoch;
        Step = step;
        Extra = new Dictionary<string, string>(extra ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        Standardization = standardization;
    }

    public ModelSpec Spec { get; }
    /// <summary>layers.0.weight, layers.0.bias, layers.1.weight, ...</summary>
    public IReadOnlyList<NamedTensor> Parameters { get; }
    public Preprocessing Preprocessing { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int Epoch { get; }
    public long Step { get; }
    /// <summary>The caller's own metadata pairs (every pair of the file that is not one of the checkpoint's keys).</summary>
    public IReadOnlyDictionary<string, string> Extra { get; }
    /// <summary>True for a file with no gpunet metadata (a PyTorch state dict): its architecture was inferred from the shapes.</summary>
    public bool IsPlainStateDict { get; private init; }
    /// <summary>The tensors the file stored as F16, BF16 or F64, converted to F32 when it was read.</summary>
    public IReadOnlyList<(string Name, string DType)> Converted { get; private init; } = [];

    /// <summary>The z-score fitted on the training split (applied after <see cref="Preprocessing"/>), or null when training used none.</summary>
    public Standardization? Standardization { get; }

    /// <summary>
    /// How the raw CSV columns become the model's inputs (one-hot categories, filled missing cells); null when the inputs
    /// are the raw values (any model without categorical columns or an imputer, and every checkpoint older than encodings).
    /// </summary>
    public TableEncoding? Encoding
    {
        get;
        init
        {
            if (value is not null && value.Width != Spec.Inputs)
                throw new ArgumentException($"an encoding of {value.Width} inputs for a model of {Spec.Inputs}", nameof(value));
            field = value;
        }
    }

    /// <summary>
    /// The CSV header names of the model's raw feature columns (its inputs, or with an <see cref="Encoding"/> the columns it
    /// encodes: set that first) and of the columns training read but did not use; null for data without names (a headerless
    /// CSV, IDX, .npy, or a checkpoint older than names), which is matched by position.
    /// </summary>
    public FeatureColumns? Columns
    {
        get;
        init
        {
            int raw = Encoding?.Columns.Count ?? Spec.Inputs;
            if (value is not null && value.Features.Count != raw)
                throw new ArgumentException($"{value.Features.Count} feature names for a model of {raw} raw columns", nameof(value));
            field = value;
        }
    }

    /// <summary>
    /// Turns raw values prepared as <paramref name="applied"/> says (bytes, or CSV numbers as written) into the
    /// features the model was trained on, in place: the recorded preprocessing, then the standardisation.
    /// </summary>
    public void PrepareFeatures(Span<float> features, Preprocessing applied)
    {
        // A plain state dict records no preprocessing: the features are what the input's reader makes of it, as training would.
        if (!IsPlainStateDict) Preprocessings.Convert(features, applied, Preprocessing);
        Standardization?.Apply(features);
    }

    /// <summary>A checkpoint of a network's current weights (waits for the device and copies them to the host).</summary>
    public static ModelCheckpoint FromNetwork(Network network, Preprocessing preprocessing, IReadOnlyList<string> classNames,
        int epoch, long step, IReadOnlyDictionary<string, string>? extra = null, Standardization? standardization = null, FeatureColumns? columns = null,
        TableEncoding? encoding = null)
        => new(network.Spec, network.ExportParameters(), preprocessing, classNames, epoch, step, extra, standardization) { Encoding = encoding, Columns = columns };

    /// <summary>A network on <paramref name="backend"/> holding these weights, for batches of up to <paramref name="maxRows"/> rows.</summary>
    public Network CreateNetwork(IBackend backend, int maxRows)
    {
        var network = new Network(backend, Spec, maxRows);
        try
        {
            network.ImportParameters(Parameters);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Writes the checkpoint atomically: a crash leaves the previous file at <paramref name="path"/> intact.</summary>
    public void Save(string path) => SafetensorsFile.Save(path, Parameters, Metadata());

    /// <summary>Writes the file to <paramref name="output"/> and returns the checksum stored in it (the optimiser file names it).</summary>
    internal string Write(Stream output) => SafetensorsFile.Write(output, Parameters, Metadata());

    /// <summary>
    /// Reads a gpunet checkpoint, or a plain state dict (no gpunet metadata, see <see cref="StateDict"/>), whose hidden
    /// layers get <paramref name="plainActivation"/>, whose classes are named 0, 1, ..., and whose features are prepared
    /// as the input's reader prepares them.
    /// </summary>
    public static ModelCheckpoint Load(string path, Activation plainActivation = Activation.Relu)
    {
        var content = SafetensorsFile.Load(path);
        if (content.Checksum is null && !content.Metadata.ContainsKey(ModelKey))
        {
            var (spec, parameters) = StateDict.Infer(content.Tensors, plainActivation, path);
            var names = Enumerable.Range(0, spec.Classes).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
            return new ModelCheckpoint(spec, SpecTensors.Check(spec, parameters, path), Preprocessing.None, names, 0, 0)
            {
                IsPlainStateDict = true,
                Converted = content.Converted,
            };
        }
        return FromContent(content, path);
    }

    internal static ModelCheckpoint FromContent(SafetensorsContent content, string file)
    {
        if (content.Checksum is null)
            throw new DataException($"{file}: the metadata has no '{SafetensorsFile.ChecksumKey}' checksum: not a gpunet checkpoint, or a damaged one");
        var m = new CheckpointMetadata(content.Metadata, file);
        var kind = Enum.Parse<ModelKind>(m.OneOf(ModelKey, ModelNames), ignoreCase: true);
        int inputs = (int)m.Integer(InputsKey, 1, int.MaxValue);
        int classes = (int)m.Integer(ClassesKey, 2, int.MaxValue);
        var hidden = ParseHidden(m.String(HiddenKey), file);
        var activation = Enum.Parse<Activation>(m.OneOf(ActivationKey, ActivationNames), ignoreCase: true);
        if (!Preprocessings.TryParse(m.String(PreprocessingKey), out var preprocessing))
            throw new DataException($"{file}: metadata '{PreprocessingKey}' is {Text.Quote(m.String(PreprocessingKey))}, expected 'none' or 'scale 1/255'");
        var classNames = ParseClassNames(m.String(ClassNamesKey), classes, file);
        int epoch = (int)m.Integer(EpochKey, 0, int.MaxValue);
        long step = m.Integer(StepKey, 0, long.MaxValue);

        ModelSpec spec;
        try
        {
            spec = ModelSpec.Create(kind, inputs, classes, hidden, activation);
        }
        catch (UsageException e)
        {
            throw new DataException($"{file}: the metadata describes no valid model: {e.Message}", e);
        }
        var parameters = SpecTensors.Check(spec, content.Tensors, file);
        var standardization = ParseStandardization(content.Metadata, inputs, file);
        var extra = content.Metadata.Where(p => !ReservedKeys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        var encoding = content.Metadata.TryGetValue(FeatureEncodingKey, out var json) ? FeatureEncodingJson.Read(json, inputs, file, FeatureEncodingKey) : null;
        return new ModelCheckpoint(spec, parameters, preprocessing, classNames, epoch, step, extra, standardization)
            { Converted = content.Converted, Encoding = encoding, Columns = ParseColumns(content.Metadata, inputs, encoding, file) };
    }

    /// <summary>Throws a <see cref="UsageException"/> unless this checkpoint has exactly the architecture <paramref name="expected"/> (e.g. the checkpoint a new run takes its first weights from).</summary>
    public void RequireArchitecture(ModelSpec expected, string what)
    {
        if (expected.Describe() != Spec.Describe())
            throw new UsageException($"{what} holds a {Spec.Describe()} model, but the options describe {expected.Describe()}");
    }

    /// <summary>Throws a <see cref="UsageException"/> unless data of this width and class count fits the model, naming both.</summary>
    public void RequireFits(int features, int classes, string data, string modelFile)
    {
        if (features != Spec.Inputs)
            throw new UsageException($"{data} has {features} features per row, but the model in {modelFile} ({Spec.Describe()}) expects {Spec.Inputs}");
        if (classes != Spec.Classes)
            throw new UsageException($"{data} has {classes} classes, but the model in {modelFile} ({Spec.Describe()}) has {Spec.Classes}");
    }

    private Dictionary<string, string> Metadata()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FormatKey] = "pt",
            [ModelKey] = ModelSpec.Name(Spec.Kind),
            [InputsKey] = CheckpointMetadata.Format(Spec.Inputs),
            [ClassesKey] = CheckpointMetadata.Format(Spec.Classes),
            [HiddenKey] = string.Join(",", Spec.Hidden.Select(h => h.ToString(CultureInfo.InvariantCulture))),
            [ActivationKey] = ActivationName(Spec.Activation),
            [PreprocessingKey] = Preprocessing.Name(),
            [ClassNamesKey] = JsonSerializer.Serialize(ClassNames, ReadableJson),
            [EpochKey] = CheckpointMetadata.Format(Epoch),
            [StepKey] = CheckpointMetadata.Format(Step),
        };
        if (Standardization is { } z)
        {
            metadata[StandardizeMeanKey] = JsonSerializer.Serialize(z.Mean);
            metadata[StandardizeScaleKey] = JsonSerializer.Serialize(z.Scale);
        }
        // feature_names says what each input is ("colour=red"); an encoding keeps the raw columns' names, which input files are matched by.
        if (Encoding is { } encoding) metadata[FeatureEncodingKey] = FeatureEncodingJson.Write(encoding);
        if (Columns is { } columns)
        {
            metadata[FeatureNamesKey] = JsonSerializer.Serialize(Encoding?.InputNames() ?? columns.Features, ReadableJson);
            metadata[SkippedColumnsKey] = JsonSerializer.Serialize(columns.Skipped, ReadableJson);
        }
        foreach (var (key, value) in Extra) metadata[key] = value;
        return metadata;
    }

    private static string ActivationName(Activation activation) => activation.ToString().ToLowerInvariant();

    /// <summary>"" (no hidden layers) or "256,128": the hidden sizes, comma-separated.</summary>
    private static int[] ParseHidden(string text, string file)
    {
        if (text.Length == 0) return [];
        var sizes = text.Split(',');
        if (sizes.Length > MaxHiddenLayers)
            throw new DataException($"{file}: metadata '{HiddenKey}' lists {sizes.Length} hidden layers, more than the {MaxHiddenLayers} a checkpoint may have");
        var result = new int[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
            if (!int.TryParse(sizes[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]) || result[i] <= 0)
                throw new DataException($"{file}: metadata '{HiddenKey}' is {Text.Quote(text)}, expected layer sizes such as 256,128");
        return result;
    }

    /// <summary>Both standardisation keys or neither; each a JSON array of one finite number per input, scales positive.</summary>
    private static Standardization? ParseStandardization(IReadOnlyDictionary<string, string> metadata, int inputs, string file)
    {
        bool hasMean = metadata.ContainsKey(StandardizeMeanKey), hasScale = metadata.ContainsKey(StandardizeScaleKey);
        if (!hasMean && !hasScale) return null;
        if (hasMean != hasScale)
            throw new DataException($"{file}: the metadata has '{(hasMean ? StandardizeMeanKey : StandardizeScaleKey)}' without '{(hasMean ? StandardizeScaleKey : StandardizeMeanKey)}'");
        var mean = ParseVector(metadata[StandardizeMeanKey], StandardizeMeanKey, inputs, file);
        var scale = ParseVector(metadata[StandardizeScaleKey], StandardizeScaleKey, inputs, file);
        if (Array.FindIndex(scale, v => !(v > 0)) is var bad and >= 0)
            throw new DataException($"{file}: metadata '{StandardizeScaleKey}' holds {scale[bad]} at feature {bad}; a scale must be positive");
        return new Standardization(mean, scale);
    }

    private static float[] ParseVector(string json, string key, int inputs, string file)
    {
        float[]? values;
        try
        {
            values = JsonSerializer.Deserialize<float[]>(json);
        }
        catch (JsonException)
        {
            values = null;
        }
        if (values is null || values.Length != inputs || !Array.TrueForAll(values, float.IsFinite))
            throw new DataException($"{file}: metadata '{key}' is {Text.Echo(json, 48)}, expected a JSON array of {inputs} finite numbers");
        return values;
    }

    /// <summary>Both column keys or neither (a checkpoint from before names, matched by position); one feature name per input.</summary>
    private static FeatureColumns? ParseColumns(IReadOnlyDictionary<string, string> metadata, int inputs, TableEncoding? encoding, string file)
    {
        bool hasFeatures = metadata.TryGetValue(FeatureNamesKey, out var features), hasSkipped = metadata.TryGetValue(SkippedColumnsKey, out var skipped);
        if (!hasFeatures && !hasSkipped) return null;
        if (hasFeatures != hasSkipped)
            throw new DataException($"{file}: the metadata has '{(hasFeatures ? FeatureNamesKey : SkippedColumnsKey)}' without '{(hasFeatures ? SkippedColumnsKey : FeatureNamesKey)}'");
        var names = ParseStrings(features!, FeatureNamesKey, file);
        if (names.Length != inputs)
            throw new DataException($"{file}: metadata '{FeatureNamesKey}' lists {names.Length} names for {inputs} inputs");
        if (encoding is not null && encoding.Columns.Any(c => c.Name is null))
            throw new DataException($"{file}: metadata '{FeatureEncodingKey}' has a column without a name, but '{FeatureNamesKey}' names the inputs");
        var raw = encoding?.Columns.Select(c => c.Name!).ToArray() ?? names;
        return new FeatureColumns(raw, ParseStrings(skipped!, SkippedColumnsKey, file));
    }

    private static string[] ParseStrings(string json, string key, string file)
    {
        string[]? names;
        try
        {
            names = JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException)
        {
            names = null;
        }
        if (names is null || names.Any(n => n is null))
            throw new DataException($"{file}: metadata '{key}' is {Text.Quote(json)}, expected a JSON array of strings");
        return names;
    }

    private static string[] ParseClassNames(string json, int classes, string file)
    {
        var names = ParseStrings(json, ClassNamesKey, file);
        if (names.Length != classes)
            throw new DataException($"{file}: metadata '{ClassNamesKey}' lists {names.Length} names for {classes} classes");
        ClassNameFiles.RequireDistinct(names, file);
        return names;
    }
}
