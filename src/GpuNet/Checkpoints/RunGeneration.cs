using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using GpuNet.IO;

namespace GpuNet.Checkpoints;

/// <summary>One file of a generation: its size and the SHA-256 of its bytes (lowercase hex).</summary>
public sealed record FileDigest(long Bytes, string Sha256)
{
    /// <summary>The digest of the bytes at <paramref name="path"/> now.</summary>
    public static FileDigest Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return new FileDigest(stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}

/// <summary>A file to write into a generation, by its final name in the run directory.</summary>
public sealed record GenerationFile(string Name, Action<Stream> Write);

/// <summary>
/// The files of a run directory that belong together (the weights, the optimiser state that goes with them,
/// the best weights, the metrics), committed as one generation by <see cref="ManifestFile"/>:
/// <list type="number">
/// <item>each new file is written to a staged name (<c>.NAME.gen{N}.staged</c>) and flushed, while the
/// files of generation N−1 stay untouched under their own names;</item>
/// <item>the manifest naming generation N and the size and SHA-256 of every file is renamed into place:
/// this one rename is the commit;</item>
/// <item>the staged files are renamed over the old ones.</item>
/// </list>
/// A kill before step 2 leaves generation N−1 whole (the staged files are deleted by the next
/// <see cref="Recover"/>); a kill during step 3 leaves generation N committed, and <see cref="Recover"/>
/// finishes its renames. So at every instant exactly one complete generation can be found.
/// </summary>
public sealed record RunGeneration(long Number, IReadOnlyDictionary<string, FileDigest> Files)
{
    public const string ManifestFile = "checkpoint.json";

    private static readonly Regex StagedName = new(@"^\.(?<name>.+)\.gen(?<gen>[0-9]+)\.staged$", RegexOptions.CultureInvariant);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Writes <paramref name="files"/> as the next generation of <paramref name="dir"/>; files of the previous
    /// generation that are not rewritten (e.g. the best weights of an earlier epoch) stay in it.
    /// </summary>
    public static RunGeneration Commit(string dir, IReadOnlyList<GenerationFile> files)
    {
        var previous = Read(dir);
        long number = (previous?.Number ?? 0) + 1;
        var digests = new Dictionary<string, FileDigest>(previous?.Files ?? new Dictionary<string, FileDigest>(), StringComparer.Ordinal);
        try
        {
            foreach (var file in files)
                digests[file.Name] = WriteStaged(StagedPath(dir, file.Name, number), file.Write);
            AtomicFile.WriteAllText(Path.Combine(dir, ManifestFile), JsonSerializer.Serialize(new Manifest(number, digests), Json) + "\n");
        }
        catch
        {
            // Not committed (a full disk, a failing device): the staged files are debris, and on a full disk they keep it full.
            foreach (var file in files) TryDelete(StagedPath(dir, file.Name, number));
            throw;
        }
        var generation = new RunGeneration(number, digests);
        foreach (var file in files)
            File.Move(StagedPath(dir, file.Name, number), Path.Combine(dir, file.Name), overwrite: true);
        return generation;
    }

    /// <summary>
    /// The newest complete generation of <paramref name="dir"/>, or null when none was ever committed:
    /// finishes the renames of a commit that was cut short, deletes staged files of commits that never
    /// happened, and checks every file against its digest. Call it holding the run's lock.
    /// </summary>
    public static RunGeneration? Recover(string dir)
    {
        var generation = Read(dir);
        foreach (var staged in Directory.EnumerateFiles(dir, ".*.staged"))
        {
            var match = StagedName.Match(Path.GetFileName(staged));
            if (!match.Success) continue; // not one of ours
            bool committed = generation is not null && match.Groups["gen"].Value == generation.Number.ToString(CultureInfo.InvariantCulture)
                && generation.Files.ContainsKey(match.Groups["name"].Value);
            if (committed) File.Move(staged, Path.Combine(dir, match.Groups["name"].Value), overwrite: true);
            else File.Delete(staged);
        }
        if (generation is null) return null;
        foreach (var (name, digest) in generation.Files)
        {
            var path = Path.Combine(dir, name);
            if (!File.Exists(path))
                throw new DataException($"{path}: missing, but {ManifestFile} (generation {generation.Number}) lists it");
            if (FileDigest.Of(path) != digest)
                throw new DataException($"{path}: its contents differ from what {ManifestFile} (generation {generation.Number}) recorded; it was changed after it was saved");
        }
        return generation;
    }

    /// <summary>True for a staged file of a generation (see <see cref="Commit"/>), which only <see cref="Recover"/> may remove.</summary>
    public static bool IsStaged(string fileName) => StagedName.IsMatch(fileName);

    /// <summary>The generation <see cref="ManifestFile"/> names, as recorded (nothing is checked or recovered), or null when there is none.</summary>
    public static RunGeneration? Read(string dir)
    {
        var path = Path.Combine(dir, ManifestFile);
        if (!File.Exists(path)) return null;
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: not a valid generation manifest: {e.Message}", e);
        }
        if (manifest is not { Generation: > 0, Files: not null } || manifest.Files.Any(f => f.Value is null || !IsPlainName(f.Key)))
            throw new DataException($"{path}: not a valid generation manifest: it needs a positive \"Generation\" and \"Files\" by plain name");
        return new RunGeneration(manifest.Generation, manifest.Files);
    }

    /// <summary>A file name without directories, so a damaged manifest cannot point outside the run directory.</summary>
    private static bool IsPlainName(string name) => name.Length > 0 && Path.GetFileName(name) == name && name is not ("." or "..");

    private static string StagedPath(string dir, string name, long number) =>
        Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $".{name}.gen{number}.staged"));

    private static FileDigest WriteStaged(string path, Action<Stream> write)
    {
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        return FileDigest.Of(path); // read back from the page cache: the digest is of the bytes on disk, not of what we meant to write
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private sealed record Manifest(long Generation, Dictionary<string, FileDigest> Files);
}
