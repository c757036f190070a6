using GpuNet.Distributed;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet eval</c>: a saved model's loss, accuracy, per-class precision and recall, and confusion matrix
/// on the test split that <c>gpunet train</c> with the same data options holds out — the 10k test images of
/// fashion-mnist/mnist, the seeded test share of a synthetic set or CSV, or the --test-data file — or, with
/// --all-rows, on every row of a CSV file (data the model never saw).
/// </summary>
public static class EvalCommand
{
    private static readonly TrainOptions Defaults = new();

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var checkpoint = CheckpointOption.Create("The checkpoint to evaluate (model.safetensors or model-best.safetensors from 'train --out')");
        var data = new DataCommandOptions(dataRequired: true);
        var allRows = new Option<bool>("--all-rows") { Description = "CSV: evaluate every row of --data instead of its held-out test split" };
        var device = DeviceOption.Create();
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per forward pass", DefaultValueFactory = _ => Defaults.EvalBatchSize }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var activation = PlainActivationOption();
        var distributed = DistributedOption.Create();

        return Verb.Create("eval",
            "Evaluate a saved model: loss, accuracy, per-class precision and recall, and the confusion matrix. " +
            "It uses the test split 'gpunet train' with the same data options holds out (pass the same --seed, --test-fraction and synthetic-set options), " +
            "or every row of a CSV file with --all-rows.",
            [checkpoint, CheckpointOption.Retired(), allRows, device, batchSize, json, activation, distributed, .. data.All],
            parsed =>
            {
                var request = data.Read(parsed);
                var launch = Collectives.Launch(DistributedOption.Read(parsed.GetValue(distributed)!));
                if (launch is { Rank: > 0 }) (stdout, stderr) = (TextWriter.Null, TextWriter.Null); // rank 0 alone reports; errors still reach the process's stderr
                return Run(parsed.GetValue(checkpoint)!, ReadActivation(parsed, activation), request, parsed.GetValue(allRows), parsed.GetValue(device)!, parsed.GetValue(batchSize), parsed.GetValue(json),
                    launch, stdout, stderr);
            });
    }

    /// <summary>--activation: the hidden nonlinearity of a plain state dict, which records none (gpunet checkpoints carry their own).</summary>
    internal static Option<string> PlainActivationOption() =>
        new Option<string>(ModelFileNotes.ActivationOption) { Description = "For a plain state dict without gpunet metadata: the MLP's hidden nonlinearity", DefaultValueFactory = _ => "relu" }
            .AcceptOnlyFromAmong(ModelSpecOptions.Activations);

    internal static Activation ReadActivation(ParseResult parsed, Option<string> option) =>
        Enum.Parse<Activation>(parsed.GetValue(option)!, ignoreCase: true);

    private static int Run(string checkpointPath, Activation activation, DataOptions dataOptions, bool allRows, string deviceId, int batchSize, bool json,
        LaunchEnvironment? launch, TextWriter stdout, TextWriter stderr)
    {
        var checkpoint = ModelCheckpoint.Load(checkpointPath, activation);
        foreach (var note in ModelFileNotes.For(checkpoint, checkpointPath)) stderr.WriteLine(note);
        var (data, rows) = LoadTestRows(dataOptions, allRows, checkpoint, checkpointPath);
        checkpoint.PrepareFeatures(data.Floats!, Preprocessings.ForSource(dataOptions.Source));

        using var backend = DeviceCatalog.Open(DistributedOption.DeviceFor(deviceId, launch), out var notice);
        stderr.WriteLine(notice);
        using var classifier = new Classifier(backend, checkpoint, batchSize);
        using var probe = backend.Allocate<float>(1); // a buffer of the device, for NCCL's binding
        using var collective = DistributedOption.Join(launch, backend, probe, stderr.WriteLine);
        collective.RequireSame(System.Text.Json.JsonSerializer.Serialize(new { checkpointPath, activation, dataOptions, allRows, batchSize }), "options");
        var evaluation = classifier.Evaluate(data, collective);
        collective.Finish();

        var report = new EvalCommandReport(checkpointPath, checkpoint, rows, backend.Device.Id, evaluation);
        if (json) stdout.WriteLine(report.ToJson());
        else report.WriteTables(stdout);
        return ExitCodes.Success;
    }

    /// <summary>The rows to evaluate as float32 (prepared on the host), labelled with the checkpoint's class count, and what they are ("t.csv test split", "v.csv test file").</summary>
    private static (Dataset Data, string Rows) LoadTestRows(DataOptions options, bool allRows, ModelCheckpoint checkpoint, string checkpointPath)
    {
        string source = options.Source.Trim();
        bool named = DatasetCatalog.Contains(source) || SyntheticData.Contains(source);
        Dataset data;
        string rows;
        if (allRows)
        {
            if (named) throw new UsageException($"--all-rows applies to CSV files; '{source}' is evaluated on its test split");
            if (options.TestData is not null) throw new UsageException("--all-rows evaluates --data itself; leave out --test-data");
            var table = CsvReader.Read(source, checkpoint.ReadFormat(CsvFormat.Of(options)));
            var labels = ClassEncoding.FromNames(checkpoint.ClassNames).Encode(table.LabelColumn!, table.Name);
            var features = checkpoint.Encode(table);
            data = new Dataset(Path.GetFileName(source), features, labels, features.Length / table.Count, checkpoint.Spec.Classes);
            rows = $"{data.Name} all rows";
        }
        else
        {
            // A CSV's labels are encoded with the model's classes, so a file that lacks one still lines up.
            // A CSV with a header is matched to the model's feature names, in any order.
            var split = DataSources.Load(checkpoint.ReadOptions(options));
            data = checkpoint.Encode(split.Test, split.Categories);
            // A --test-data set carries the training file's name: the report names the file it scores.
            rows = options.TestData is { } testFile ? $"{(testFile.Trim() == InputFile.StandardInput ? "standard input" : Path.GetFileName(testFile))} test file" : $"{data.Name} test split";
        }
        if (data.Count == 0) throw new DataException($"{data.Name}: no rows to evaluate");

        // A CSV need not show every class; more classes than the model knows, or a named set unlike it, cannot be evaluated.
        int classes = !named && data.ClassCount <= checkpoint.Spec.Classes ? checkpoint.Spec.Classes : data.ClassCount;
        checkpoint.RequireFits(data.FeatureCount, classes, $"--data {source}", checkpointPath);
        return (new Dataset(data.Name, data.ToFloat32(), data.Labels, data.FeatureCount, classes, checkpoint.ClassNames), rows);
    }
}
