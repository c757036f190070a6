using System.Text;
using GpuNet.IO;

namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet predict</c>: class probabilities for unlabelled rows, as CSV <c>index,label,prob_&lt;class&gt;...</c>.
/// <c>index</c> is the 0-based row (or image) number, <c>label</c> the predicted class's name (its index for
/// integer labels), one <c>prob_&lt;name&gt;</c> column per class. Each row's probabilities sum to 1; for logistic
/// regression prob of class 0 = 1 − p and of class 1 = p. Names that need it are quoted as RFC 4180 says.
/// </summary>
public static class PredictCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var checkpoint = CheckpointOption.Create("The checkpoint to predict with (model.safetensors from 'train --out')");
        var input = new Option<string>("--input") { Description = "A CSV of features (a header row is detected; its columns are matched to the model's by name, in any order, and the label column is skipped) or an IDX image file (raw or gzipped); '-' reads standard input, and pipes and FIFOs work too", Required = true };
        var idColumn = new Option<string?>("--id-column") { Description = "CSV: a column (header name or index) copied into the output as its first column; never a feature" };
        var ignoreColumns = new Option<string?>("--ignore-columns") { Description = "CSV: columns that are not features, comma-separated header names or zero-based indices" };
        var output = new Option<string?>("--output") { Description = $"Write the CSV here (atomically) instead of to stdout ('-' is stdout too); it may not name {CheckpointOption.Name} or --input" };
        var header = new Option<bool>("--header") { Description = "CSV: the first row is a header (detected when not given)" };
        var device = DeviceOption.Create();
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per forward pass", DefaultValueFactory = _ => new TrainOptions().EvalBatchSize }.AtLeast(1);
        var activation = EvalCommand.PlainActivationOption();
        return Verb.Create("predict",
            "Predict with a saved model: writes [id,]index,label,prob_<class>... as CSV (label = the predicted class name, the index for integer labels). " +
            "The input gets the preprocessing recorded in the checkpoint (IDX pixels are scaled by 1/255 for a model trained on IDX images).",
            [checkpoint, CheckpointOption.Retired(), input, output, header, idColumn, ignoreColumns, device, batchSize, activation],
            parsed => Run(parsed.GetValue(checkpoint)!, EvalCommand.ReadActivation(parsed, activation), parsed.GetValue(input)!, parsed.GetValue(output),
                CsvFormat.FeaturesOnly(parsed.GetValue(header) ? true : null) with
                {
                    IdColumn = parsed.GetValue(idColumn) is { } id ? DataCommandOptions.Column(id, idColumn) : null,
                    IgnoreColumns = DataCommandOptions.Columns(parsed.GetValue(ignoreColumns), ignoreColumns),
                },
                parsed.GetValue(device)!, parsed.GetValue(batchSize), stdout, stderr));
    }

    private static int Run(string checkpointPath, Activation activation, string inputPath, string? outputPath, CsvFormat format, string deviceId, int batchSize,
        TextWriter stdout, TextWriter stderr)
    {
        if (string.IsNullOrWhiteSpace(inputPath)) throw new UsageException("--input needs a file, or - for standard input (got an empty name)");
        if (outputPath == InputFile.StandardInput) outputPath = null;
        if (outputPath is not null)
        {
            if (string.IsNullOrWhiteSpace(outputPath)) throw new UsageException("--output needs a file name, or - for stdout (got an empty one)");
            if (FileIdentity.Same(outputPath, checkpointPath)) throw new UsageException($"--output {outputPath} is the {CheckpointOption.Name} file; writing there would destroy the model");
            if (inputPath != InputFile.StandardInput && FileIdentity.Same(outputPath, inputPath)) throw new UsageException($"--output {outputPath} is the --input file; choose another name");
            if (Directory.Exists(outputPath)) throw new UsageException($"--output {outputPath} is a directory; name a file");
        }
        var checkpoint = ModelCheckpoint.Load(checkpointPath, activation);
        foreach (var note in ModelFileNotes.For(checkpoint, checkpointPath)) stderr.WriteLine(note);
        var (features, ids) = PredictCommandInput.Read(inputPath, format, checkpoint, checkpointPath);
        (string Name, IReadOnlyList<string> Values)? idColumn = ids is null ? null : (format.IdColumn!, ids);

        using var backend = DeviceCatalog.Open(deviceId, out var notice);
        stderr.WriteLine(notice);
        using var classifier = new Classifier(backend, checkpoint, batchSize);
        var predictions = classifier.Predict(features);

        if (outputPath is null)
            // On a terminal the names are shown, not acted on; a pipe or file gets them as they are.
            Write(stdout, predictions, TerminalText.IsTerminal(stdout) ? [.. checkpoint.ClassNames.Select(TerminalText.Escape)] : checkpoint.ClassNames, idColumn);
        else
        {
            AtomicFile.Write(outputPath, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
                Write(writer, predictions, checkpoint.ClassNames, idColumn);
            });
            stderr.WriteLine($"wrote {predictions.Rows} predictions to {outputPath}");
        }
        return ExitCodes.Success;
    }

    private static readonly System.Buffers.SearchValues<char> NeedsQuotes = System.Buffers.SearchValues.Create(",;\t|\"\r\n");

    /// <summary>A CSV field: quoted, with quotes doubled, when it holds a separator, a quote, a line break or outer spaces (RFC 4180).</summary>
    private static string Quoted(string field) =>
        field.AsSpan().IndexOfAny(NeedsQuotes) >= 0 || field != field.Trim() ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    /// <param name="id">The --id-column's name and each row's value, written first; null for none.</param>
    private static void Write(TextWriter output, Predictions predictions, IReadOnlyList<string> classNames, (string Name, IReadOnlyList<string> Values)? id)
    {
        var names = classNames.Select(Quoted).ToArray();
        string idHeader = id is { } named ? Quoted(named.Name) + "," : "";
        output.WriteLine(idHeader + "index,label" + string.Concat(classNames.Select(n => "," + Quoted("prob_" + n))));
        var line = new StringBuilder();
        for (int r = 0; r < predictions.Rows; r++)
        {
            line.Clear();
            if (id is { } values) line.Append(Quoted(values.Values[r])).Append(',');
            line.Append(r).Append(',').Append(names[predictions.Labels[r]]);
            foreach (float p in predictions.Row(r)) line.Append(',').Append(p.ToString(CultureInfo.InvariantCulture));
            output.WriteLine(line);
        }
    }
}
