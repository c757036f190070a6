using System.Text.Json;
using System.Text.Json.Serialization;
using GpuNet.Settings;

namespace GpuNet.Data;

/// <summary>
/// The files <c>gpunet convert</c> writes into a folder, as one generation: <c>features.npy</c> (float32),
/// <c>labels.npy</c> (the smallest unsigned type that holds the class indices) and <c>labels.classes.json</c>, then
/// last <c>convert.json</c>, which names each file with its size and SHA-256. Before the first file is replaced,
/// <c>convert.json</c> is rewritten as "incomplete", so an interrupted convert can never leave a new features file
/// beside old labels that a reader accepts: <see cref="Check"/> refuses an incomplete generation, and a listed file
/// whose size or hash is not the one listed.
/// </summary>
public static class ConvertedSet
{
    public const string ManifestName = "convert.json", FeaturesName = "features.npy", LabelsName = "labels.npy";
    private const string Format = "gpunet-convert";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Manifest(string Format, string Generation, bool Complete, IReadOnlyList<DataFileEntry>? Files);

    private sealed record DataFileEntry(string Name, long Bytes, string Sha256);

    /// <summary>Every file a convert into <paramref name="directory"/> writes, the manifest last.</summary>
    public static string[] Files(string directory) =>
        [Path.Combine(directory, FeaturesName), Path.Combine(directory, LabelsName), ClassNameFiles.JsonFile(Path.Combine(directory, LabelsName)), Path.Combine(directory, ManifestName)];

    /// <summary>
    /// Writes <paramref name="features"/> [labels.Length, <paramref name="featureCount"/>], <paramref name="labels"/> and
    /// <paramref name="classNames"/> into <paramref name="directory"/> as one generation; each file atomically.
    /// </summary>
    public static void Write(string directory, float[] features, int featureCount, int[] labels, IReadOnlyList<string> classNames)
    {
        Directory.CreateDirectory(directory);
        string generation = Guid.NewGuid().ToString("N");
        string manifest = Path.Combine(directory, ManifestName);
        WriteManifest(manifest, new Manifest(Format, generation, Complete: false, Files: null));
        string featuresPath = Path.Combine(directory, FeaturesName), labelsPath = Path.Combine(directory, LabelsName);
        IO.AtomicFile.Write(featuresPath, stream =>
        {
            stream.Write(NpyHeader.Format(NpyType.F4, [labels.Length, featureCount]));
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan()));
        });
        IO.AtomicFile.Write(labelsPath, stream => WriteLabels(stream, labels, classNames.Count));
        string namesPath = ClassNameFiles.Write(labelsPath, classNames);
        var files = new[] { featuresPath, labelsPath, namesPath }
            .Select(p => DataFile.Of(p)!)
            .Select(f => new DataFileEntry(Path.GetFileName(f.Path), f.Bytes, f.Sha256)).ToArray();
        WriteManifest(manifest, new Manifest(Format, generation, Complete: true, files));
    }

    /// <summary>
    /// When the folder of <paramref name="labels"/> holds a <c>convert.json</c>: a <see cref="DataException"/> if that
    /// generation is incomplete, or if a file this read uses (<paramref name="features"/>, <paramref name="labels"/>, the
    /// class names) is one it lists and no longer has the listed size and SHA-256. Files it does not list are not its concern.
    /// </summary>
    public static void Check(string features, string labels)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(labels))!;
        string manifestPath = Path.Combine(directory, ManifestName);
        if (!File.Exists(manifestPath)) return;
        var manifest = ReadManifest(manifestPath);
        if (!manifest.Complete)
            throw new DataException($"{manifestPath}: the `convert` that writes this folder did not finish (generation {manifest.Generation}), so its files may be of two generations; run the convert again");
        string[] reads = [.. new[] { features, labels, ClassNameFiles.Find(labels) }.OfType<string>().Select(Path.GetFullPath)];
        foreach (var entry in manifest.Files!)
        {
            string path = Path.Combine(directory, entry.Name);
            if (!reads.Contains(path, StringComparer.Ordinal)) continue;
            var found = DataFile.Of(path);
            if (found is null || found.Bytes != entry.Bytes || found.Sha256 != entry.Sha256)
                throw new DataException($"{path}: {(found is null ? "missing" : "not the file")} that {manifestPath} lists ({entry.Bytes} bytes, sha256 {entry.Sha256[..12]}…): the files of one convert belong together; run the convert again");
        }
    }

    /// <summary>Labels as the smallest unsigned type that holds class indices below <paramref name="classes"/>.</summary>
    private static void WriteLabels(Stream stream, int[] labels, int classes)
    {
        var type = classes <= byte.MaxValue + 1 ? NpyType.U1 : classes <= ushort.MaxValue + 1 ? NpyType.U2 : NpyType.I4;
        int size = NpyHeader.ItemSizeOf(type);
        var raw = new byte[(long)labels.Length * size];
        for (int i = 0; i < labels.Length; i++)
        {
            var at = raw.AsSpan(i * size);
            if (type == NpyType.U1) at[0] = (byte)labels[i];
            else if (type == NpyType.U2) System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)labels[i]);
            else System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(at, labels[i]);
        }
        stream.Write(NpyHeader.Format(type, [labels.Length]));
        stream.Write(raw);
    }

    private static void WriteManifest(string path, Manifest manifest) =>
        IO.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(manifest, Json) + "\n");

    private static Manifest ReadManifest(string path)
    {
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            manifest = null;
        }
        catch (IOException e)
        {
            throw new DataException($"{path}: cannot read: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != Format || manifest.Generation is null
            || (manifest.Complete && (manifest.Files is null || manifest.Files.Any(f => f?.Name is null || f.Sha256 is null))))
            throw new DataException($"{path}: not a manifest of `gpunet convert` (expected \"format\": \"{Format}\", a generation and its files)");
        return manifest;
    }

    /// <summary>A .npy holds numbers: a categorical column or a missing cell (which train encodes or imputes) is refused, naming the first.</summary>
    public static void RequireNumbers(CsvTable table)
    {
        string Column(int f) => table.Columns is { } names ? $"column {ClassEncoding.Echo(names.Features[f])}" : $"feature column {f + 1}";
        if (Enumerable.Range(0, table.FeatureCount).FirstOrDefault(table.Categories.IsCategorical, -1) is var categorical and >= 0)
            throw new DataException($"{table.Name}: {Column(categorical)} holds categories, and a converted set holds numbers only: train on the CSV itself, which one-hot encodes them");
        if (Array.FindIndex(table.Features, float.IsNaN) is var missing and >= 0)
            throw new DataException($"{table.Name}: data row {missing / table.FeatureCount + 1}, {Column(missing % table.FeatureCount)}: missing value, and a converted set holds numbers only: train on the CSV itself with {Setting.Impute}");
    }
}
