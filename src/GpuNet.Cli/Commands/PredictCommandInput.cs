namespace GpuNet.Cli.Commands;

/// <summary>The rows <c>gpunet predict</c> runs on: a features-only CSV or IDX images, prepared as the checkpoint says.</summary>
internal static class PredictCommandInput
{
    /// <summary>
    /// Features [rows, inputs] ready for the model (a CSV header's columns matched to the model's names, the label column
    /// skipped when present) and the <paramref name="format"/>'s id column, or an error naming the file and what does not fit.
    /// </summary>
    public static (float[] Features, IReadOnlyList<string>? Ids) Read(string path, CsvFormat format, ModelCheckpoint checkpoint, string checkpointPath)
    {
        // One open, one read: a pipe, a FIFO or standard input gives its bytes only once.
        using var stream = InputFile.OpenRead(path, Math.Max(CsvReader.MaxFileBytes, IdxReader.MaxElements));
        float[] features;
        int width;
        Preprocessing applied;
        string hint = "";
        IReadOnlyList<string>? ids = null;
        if (LooksLikeIdx(stream))
        {
            if (format.IdColumn is not null || format.IgnoreColumns.Count > 0)
                throw new UsageException($"--input {path} holds IDX images, which have no columns: leave out --id-column and --ignore-columns");
            var images = IdxReader.ReadImages(stream, path);
            (features, width, applied) = (images.ToUnit(), images.PixelsPerImage, Preprocessing.ScaleBytes);
        }
        else
        {
            using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            var table = CsvReader.Read(reader, path == InputFile.StandardInput ? "standard input" : path, checkpoint.ReadFormat(format));
            features = checkpoint.Encode(table);
            (width, applied, ids) = (features.Length / table.Count, Preprocessing.None, table.Ids);
            if (width == checkpoint.Spec.Inputs + 1) hint = " (does the file still have its label column? predict takes features only)";
        }
        if (width != checkpoint.Spec.Inputs)
            throw new UsageException($"--input {path} has {width} features per row, but the model in {checkpointPath} ({checkpoint.Spec.Describe()}) expects {checkpoint.Spec.Inputs}{hint}");
        checkpoint.PrepareFeatures(features, applied);
        return (features, ids);
    }

    /// <summary>
    /// IDX files start with two zero bytes; gzip with 1F 8B (gzipped CSV is not read, so gzip means IDX).
    /// The stream is seekable (<see cref="InputFile"/>) and is rewound after the peek.
    /// </summary>
    private static bool LooksLikeIdx(Stream stream)
    {
        int first = stream.ReadByte(), second = stream.ReadByte();
        stream.Position = 0;
        return (first, second) is (0, 0) or (0x1F, 0x8B);
    }
}
