namespace GpuNet.Cli.Commands;

/// <summary>
/// <c>gpunet convert</c>: parses a CSV once and writes it as .npy (features.npy float32, labels.npy in the smallest
/// unsigned type, labels.classes.json naming the classes, then convert.json binding the three into one generation:
/// <see cref="ConvertedSet"/>), so later runs map the arrays instead of parsing text.
/// </summary>
public static class ConvertCommand
{
    public static Command Create(TextWriter stderr)
    {
        var data = new Option<string>("--data") { Description = "The CSV file to convert", Required = true };
        var labelColumn = new Option<string>("--label-column") { Description = "The label column, by header name or zero-based index (-1 for the last), as train takes it", DefaultValueFactory = _ => "0" }
            .Require(c => !string.IsNullOrWhiteSpace(c) && DataCommandOptions.ColumnIndex(c) is not < -1, "must be a column index ≥ 0, -1 for the last column, or a header name");
        var header = new Option<bool>("--header") { Description = "The first row is a header (detected when not given)" };
        var output = new Option<string>("--out") { Description = "Directory to write features.npy, labels.npy, labels.classes.json and convert.json into", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace those files when they exist" };
        return Verb.Create("convert",
            "Convert a CSV to .npy files once, so training maps them (gpunet train --data DIR/features.npy --labels DIR/labels.npy) instead of parsing the text every run.",
            [data, labelColumn, header, output, overwrite],
            parsed => Run(parsed.GetValue(data)!, parsed.GetValue(labelColumn)!, parsed.GetValue(header) ? true : null, parsed.GetValue(output)!, parsed.GetValue(overwrite), stderr));
    }

    private static int Run(string source, string labelColumn, bool? header, string outDir, bool overwrite, TextWriter stderr)
    {
        int? index = DataCommandOptions.ColumnIndex(labelColumn);
        if (string.IsNullOrWhiteSpace(outDir)) throw new UsageException("--out needs a directory name (got an empty one)");
        OutputFolder.Require("--out", outDir);
        string[] targets = ConvertedSet.Files(outDir);
        if (!overwrite && targets.FirstOrDefault(File.Exists) is { } existing)
            throw new UsageException($"--out {outDir} already holds {Path.GetFileName(existing)}; pass --overwrite to replace it");

        var table = CsvReader.Read(source, new CsvFormat(index ?? 0, header) { AllowMissing = true, LabelName = index is null ? labelColumn.Trim() : null });
        ConvertedSet.RequireNumbers(table);
        var classes = table.Classes; // fitted on this file by the reader, which encoded table.Labels with them
        try
        {
            ConvertedSet.Write(outDir, table.Features, table.FeatureCount, table.Labels, classes.Names);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuNetException($"cannot write into {outDir}: {e.Message}", e);
        }
        stderr.WriteLine($"wrote {table.Count} rows of {table.FeatureCount} features and {classes.Count} classes to {targets[0]}, {targets[1]} and {targets[2]} ({ConvertedSet.ManifestName} binds them)");
        return ExitCodes.Success;
    }

}
