using System.Security.Cryptography;

namespace GpuNet.Data;

/// <summary>
/// A data file as a run read it: its absolute path, size and SHA-256, recorded in the run's description
/// so that resuming can tell whether the same bytes are still there.
/// </summary>
public sealed record DataFile(string Path, long Bytes, string Sha256)
{
    /// <summary>The fingerprint of the file at <paramref name="path"/>, or null when it is missing.</summary>
    public static DataFile? Of(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) return null;
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return new DataFile(full, stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    /// <summary>
    /// The files <paramref name="options"/> reads, fingerprinted: a CSV and its test file, .npy features and labels, or the four
    /// IDX files of a catalog set where they are found now. Synthetic sets read none, and a stream (standard
    /// input, a pipe) cannot be read a second time, so it has none either.
    /// </summary>
    public static IReadOnlyList<DataFile> Read(DataOptions options) =>
        Paths(options).Select(p => Of(p) ?? throw new DataException($"{p}: file not found")).ToArray();

    /// <summary>The paths of the files <see cref="Read"/> fingerprints, without reading them.</summary>
    public static IReadOnlyList<string> Paths(DataOptions options)
    {
        string source = options.Source.Trim();
        if (SyntheticData.Contains(source)) return [];
        IEnumerable<string> paths = DatasetCatalog.Contains(source)
            ? DatasetCatalog.Locate(source, options.DataDir) is var f ? [f.TrainImages, f.TrainLabels, f.TestImages, f.TestLabels] : []
            : new[] { source, options.Labels, options.TestData, options.TestLabels }.OfType<string>();
        return paths.Where(p => !InputFile.IsStream(p)).ToArray();
    }

    public override string ToString() => $"{Path} ({Bytes} bytes, sha256 {Sha256[..12]}…)";
}
