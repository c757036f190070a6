namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet export</c>: a checkpoint as an ONNX model for ONNX Runtime, ML.NET or a browser (see <see cref="OnnxExport"/>).
/// The graph takes the raw values predict reads and answers with predict's probabilities and labels.
/// </summary>
public static class ExportCommand
{
    public static Command Create(TextWriter stderr)
    {
        var checkpoint = CheckpointOption.Create("The checkpoint to export (model.safetensors from 'train --out', or a plain state dict)");
        var output = new Option<string>("--output") { Description = $"The ONNX file to write (atomically; '-' is stdout); it may not name {CheckpointOption.Name}", Required = true };
        var activation = EvalCommand.PlainActivationOption();
        return Verb.Create("export",
            "Export a saved model to ONNX (opset 13): input 'features' [N, F] of raw values as predict reads them (a model with categorical columns or --impute: one input per raw CSV column, encoded with ai.onnx.ml operators), with the recorded preprocessing inside the graph; " +
            "outputs 'probabilities' [N, C] (predict's prob_* columns) and 'label' [N] (int64 class index); class names in the metadata.",
            [checkpoint, CheckpointOption.Retired(), output, activation],
            parsed => Run(parsed.GetValue(checkpoint)!, parsed.GetValue(output)!, EvalCommand.ReadActivation(parsed, activation), stderr));
    }

    private static int Run(string checkpointPath, string outputPath, Activation activation, TextWriter stderr)
    {
        if (string.IsNullOrWhiteSpace(outputPath)) throw new UsageException("--output needs a file name (got an empty one)");
        if (IO.FileIdentity.Same(outputPath, checkpointPath)) throw new UsageException($"--output {outputPath} is the {CheckpointOption.Name} file; writing there would destroy the model");
        if (Directory.Exists(outputPath)) throw new UsageException($"--output {outputPath} is a directory; name a file");
        var checkpoint = ModelCheckpoint.Load(checkpointPath, activation);
        foreach (var note in ModelFileNotes.For(checkpoint, checkpointPath)) stderr.WriteLine(note);
        try
        {
            if (outputPath == InputFile.StandardInput) WriteToStandardOutput(checkpoint);
            else OnnxExport.Save(checkpoint, outputPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The bare message may name only AtomicFile's temporary file, which the user never asked for.
            throw new GpuNetException($"cannot write {outputPath}: {e.Message}", e);
        }
        stderr.WriteLine($"wrote {checkpoint.Spec.Describe()} as ONNX opset {OnnxExport.Opset} to {(outputPath == InputFile.StandardInput ? "stdout" : outputPath)}");
        return ExitCodes.Success;
    }

    /// <summary>--output -: the model's bytes to standard output, for a pipe (they are binary: not for a terminal).</summary>
    private static void WriteToStandardOutput(ModelCheckpoint checkpoint)
    {
        using var stdout = Console.OpenStandardOutput();
        OnnxExport.Save(checkpoint, stdout);
    }
}
