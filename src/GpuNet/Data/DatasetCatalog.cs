using GpuNet.Settings;

namespace GpuNet.Data;

/// <summary>
/// The named IDX datasets (<c>fashion-mnist</c>, <c>mnist</c>) and where to find them on disk.
/// Nothing is downloaded: the files come from the data directory given, $GPUNET_DATA, ~/.cache/gpunet/&lt;name&gt;
/// or /usr/share/datasets/&lt;name&gt; (where Debian's dataset-fashion-mnist package installs them), in that order.
/// </summary>
public static class DatasetCatalog
{
    public const string EnvironmentVariable = "GPUNET_DATA";
    public const string SystemRoot = "/usr/share/datasets";

    /// <summary>The four IDX files of a set, without the optional .gz suffix.</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private sealed record Entry(IReadOnlyList<string> ClassNames, string InstallHint);

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fashion-mnist"] = new(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            "install it with `sudo apt-get install dataset-fashion-mnist`, or put"),
        ["mnist"] = new(
            ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
            "put"),
    };

    public static IReadOnlyList<string> Names { get; } = ["fashion-mnist", "mnist"];

    public static bool Contains(string name) => Entries.ContainsKey(name);

    public static IReadOnlyList<string> ClassNames(string name) => Lookup(name).ClassNames;

    /// <summary>Train is the 60k-image file pair, test the 10k (t10k) pair.</summary>
    public static DataSplit Load(string name, string? dataDir)
    {
        name = name.ToLowerInvariant();
        CatalogFiles files = Locate(name, dataDir);
        IReadOnlyList<string> classNames = ClassNames(name);
        return new DataSplit(
            IdxReader.ReadDataset(name, files.TrainImages, files.TrainLabels, classNames),
            IdxReader.ReadDataset(name, files.TestImages, files.TestLabels, classNames));
    }

    /// <summary>Finds the first directory in <see cref="SearchDirectories(string, string?)"/> that holds all four files.</summary>
    public static CatalogFiles Locate(string name, string? dataDir)
        => Locate(name, SearchDirectories(name, dataDir), Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>
    /// The directories searched, in order: each root (the data directory given, $GPUNET_DATA, ~/.cache/gpunet/&lt;name&gt;,
    /// /usr/share/datasets/&lt;name&gt;) itself and then its &lt;name&gt; subdirectory.
    /// </summary>
    public static IReadOnlyList<string> SearchDirectories(string name, string? dataDir)
        => SearchDirectories(name, dataDir, Environment.GetEnvironmentVariable(EnvironmentVariable),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), SystemRoot);

    internal static IReadOnlyList<string> SearchDirectories(string name, string? dataDir, string? envDir, string? home, string systemRoot)
    {
        name = name.ToLowerInvariant();
        var roots = new List<string>();
        if (!string.IsNullOrWhiteSpace(dataDir)) roots.Add(dataDir);
        if (!string.IsNullOrWhiteSpace(envDir)) roots.Add(envDir);
        if (!string.IsNullOrEmpty(home)) roots.Add(Path.Combine(home, ".cache", "gpunet", name));
        roots.Add(Path.Combine(systemRoot, name));
        return roots.SelectMany(root => new[] { root, Path.Combine(root, name) }).Distinct().ToArray();
    }

    internal static CatalogFiles Locate(string name, IReadOnlyList<string> directories, string? envDir)
    {
        Entry entry = Lookup(name);
        var partial = new List<string>();
        foreach (string directory in directories)
        {
            string?[] found = FileNames.Select(file => FindFile(directory, file)).ToArray();
            if (found.All(f => f is not null))
                return new CatalogFiles(directory, found[0]!, found[1]!, found[2]!, found[3]!);
            if (found.Any(f => f is not null))
                partial.Add($"{directory} lacks {string.Join(", ", FileNames.Where((_, i) => found[i] is null))}");
        }
        string envNote = envDir is null ? $" (${EnvironmentVariable} is not set)" : "";
        string partialNote = partial.Count == 0 ? "" : $" Incomplete: {string.Join("; ", partial)}.";
        string cacheDir = Path.Combine("~", ".cache", "gpunet", name.ToLowerInvariant());
        throw new DataException(
            $"{name}: dataset not found; looked in {string.Join(", ", directories)}{envNote}.{partialNote} " +
            $"To fix: {entry.InstallHint} the four IDX files ({string.Join(", ", FileNames.Select(f => f + ".gz"))}, gzipped or not) " +
            $"in {cacheDir}, or pass {Setting.DataDir} DIR.");
    }

    /// <summary>The file as named or with .gz appended; gzip is detected from the content later either way.</summary>
    private static string? FindFile(string directory, string baseName)
        => new[] { baseName, baseName + ".gz" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);

    private static Entry Lookup(string name)
        => Entries.TryGetValue(name, out Entry? entry)
            ? entry
            : throw new UsageException($"{Setting.Data}: '{name}' is not a catalog dataset: expected {string.Join(" or ", Names)}");
}

/// <summary>Where a catalog dataset's four IDX files were found.</summary>
public sealed record CatalogFiles(string Directory, string TrainImages, string TrainLabels, string TestImages, string TestLabels);
