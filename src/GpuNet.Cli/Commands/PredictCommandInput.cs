using GpuNet.Checkpoints;
using GpuNet.Data;

namespace GpuNet.Cli.Commands;

/// <summary>The rows <c>gpunet predict</c> runs on: a features-only CSV or IDX images, prepared as the checkpoint says.</summary>
internal static class PredictCommandInput
{
    /// <summary>Features [rows, inputs] ready for the model, or an error naming the file and what does not fit.</summary>
    public static float[] Read(string path, bool? header, ModelCheckpoint checkpoint, string modelPath)
    {
        if (Directory.Exists(path)) throw new DataException($"{path}: is a directory, expected a CSV or IDX file");
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        float[] features;
        int width;
        Preprocessing applied;
        string hint = "";
        if (LooksLikeIdx(path))
        {
            var images = IdxReader.ReadImages(path);
            (features, width, applied) = (images.Pixels, images.PixelsPerImage, Preprocessing.ScaleBytes);
        }
        else
        {
            var table = CsvReader.Read(path, CsvFormat.FeaturesOnly(header));
            (features, width, applied) = (table.Features, table.FeatureCount, Preprocessing.None);
            if (width == checkpoint.Spec.Inputs + 1) hint = " (does the file still have its label column? predict takes features only)";
        }
        if (width != checkpoint.Spec.Inputs)
            throw new UsageException($"--input {path} has {width} features per row, but the model in {modelPath} ({checkpoint.Spec.Describe()}) expects {checkpoint.Spec.Inputs}{hint}");
        Preprocessings.Convert(features, applied, checkpoint.Preprocessing);
        return features;
    }

    /// <summary>IDX files start with two zero bytes; gzip with 1F 8B (gzipped CSV is not read, so gzip means IDX).</summary>
    private static bool LooksLikeIdx(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            int first = stream.ReadByte(), second = stream.ReadByte();
            return (first, second) is (0, 0) or (0x1F, 0x8B);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot open: {e.Message}", e);
        }
    }
}
