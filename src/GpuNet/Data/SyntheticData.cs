using GpuNet.Settings;

namespace GpuNet.Data;

/// <summary>
/// Small seeded 2-D toy problems for demos and tests. Labels go round-robin over the classes, so every
/// class gets the same number of points (±1); the points are then shuffled and split by the test fraction.
/// <list type="bullet">
/// <item>blobs: Gaussian blobs, std = noise (default 1.0), centres evenly on a circle of radius 3; default 2 classes,
/// the "two Gaussians" a logistic regression separates (Bayes error ≈ 0.1%).</item>
/// <item>xor: uniform in [−1, 1]², label 1 where x·y &gt; 0, then Gaussian noise (default 0.05) on both coordinates; always 2 classes.</item>
/// <item>spirals: interleaved arms from the origin out to radius 1, each turning 1.25 times; noise (default 0.2) is the std of the
/// angle in radians, as in CS231n. Default 2 arms, the classic two-spirals problem (CS231n uses 3 classes).
/// An MLP with 32 hidden units learns it; a linear model cannot.</item>
/// <item>circles: a circle of radius 1 (class 0) around one of radius 0.5 (class 1), Gaussian noise (default 0.05); always 2 classes.</item>
/// </list>
/// </summary>
public static class SyntheticData
{
    public const int MaxSamples = 10_000_000;
    private const double BlobRadius = 3.0;
    private const double SpiralTurns = 1.25;
    private const double InnerCircleRadius = 0.5;

    private delegate (double X, double Y) PointGenerator(int label, int classes, double noise, SeededRandom random);

    private sealed record Kind(int DefaultClasses, float DefaultNoise, bool FixedClasses, PointGenerator Generate);

    private static readonly Dictionary<string, Kind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["blobs"] = new(2, 1.0f, FixedClasses: false, Blob),
        ["xor"] = new(2, 0.05f, FixedClasses: true, Xor),
        ["spirals"] = new(2, 0.2f, FixedClasses: false, Spiral),
        ["circles"] = new(2, 0.05f, FixedClasses: true, Circle),
    };

    public static IReadOnlyList<string> Names { get; } = ["blobs", "xor", "spirals", "circles"];

    public static bool Contains(string name) => Kinds.ContainsKey(name);

    public static int DefaultClasses(string name) => Lookup(name).DefaultClasses;

    public static float DefaultNoise(string name) => Lookup(name).DefaultNoise;

    /// <summary>Generates <paramref name="samples"/> points and splits them; classes and noise default per set when null.</summary>
    public static DataSplit Generate(string name, int samples, int? classes, float? noise, int seed, double testFraction)
    {
        name = name.ToLowerInvariant();
        Kind kind = Lookup(name);
        int classCount = classes ?? kind.DefaultClasses;
        double sigma = noise ?? kind.DefaultNoise;
        Validate(name, kind, samples, classCount, sigma);

        var random = new SeededRandom(seed);
        var features = new float[2 * samples];
        var labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            int label = i % classCount;
            (double x, double y) = kind.Generate(label, classCount, sigma, random);
            labels[i] = label;
            features[2 * i] = (float)x;
            features[2 * i + 1] = (float)y;
        }
        return DataSplitting.ShuffleSplit(new Dataset(name, features, labels, featureCount: 2, classCount), testFraction, random);
    }

    /// <summary>Range checks that hold whatever the set; <see cref="DataSources"/> runs them for every source so a bad value never passes silently.</summary>
    internal static void ValidateOptions(int samples, int? classes, double? noise)
    {
        if (samples < 2)
            throw new UsageException($"{Setting.Samples} {samples}: need at least 2 (one to train on, one to test)");
        if (samples > MaxSamples)
            throw new UsageException($"{Setting.Samples} {samples}: at most {MaxSamples} for a synthetic set");
        if (classes is < 2)
            throw new UsageException($"{Setting.Classes} {classes}: need at least 2");
        if (noise is double sigma && !(double.IsFinite(sigma) && sigma >= 0))
            throw new UsageException($"{Setting.Noise} {sigma:G7}: must be a finite number ≥ 0");
    }

    private static void Validate(string name, Kind kind, int samples, int classes, double noise)
    {
        ValidateOptions(samples, classes, noise);
        if (kind.FixedClasses && classes != kind.DefaultClasses)
            throw new UsageException($"{Setting.Classes} {classes}: {name} always has {kind.DefaultClasses} classes");
        if (classes > samples)
            throw new UsageException($"{Setting.Classes} {classes}: more classes than {Setting.Samples} {samples}");
    }

    private static (double, double) Blob(int label, int classes, double noise, SeededRandom random)
    {
        double angle = 2 * Math.PI * label / classes;
        return (BlobRadius * Math.Cos(angle) + noise * random.NextGaussian(),
                BlobRadius * Math.Sin(angle) + noise * random.NextGaussian());
    }

    /// <summary>
    /// Draws the quadrant from the label, then a uniform point in it: the same distribution as labelling
    /// uniform points by sign(x·y), but with exactly balanced classes and no points on the axes.
    /// </summary>
    private static (double, double) Xor(int label, int classes, double noise, SeededRandom random)
    {
        double x = 1.0 - random.NextDouble(); // (0, 1]
        double y = 1.0 - random.NextDouble();
        bool flipX = random.NextDouble() < 0.5;
        if (flipX) x = -x;
        if ((label == 1) == flipX) y = -y; // same signs for label 1, opposite for label 0
        return (x + noise * random.NextGaussian(), y + noise * random.NextGaussian());
    }

    private static (double, double) Spiral(int label, int classes, double noise, SeededRandom random)
    {
        double t = random.NextDouble();
        double angle = 2 * Math.PI * (label / (double)classes + SpiralTurns * t) + noise * random.NextGaussian();
        return (t * Math.Cos(angle), t * Math.Sin(angle));
    }

    private static (double, double) Circle(int label, int classes, double noise, SeededRandom random)
    {
        double radius = label == 0 ? 1.0 : InnerCircleRadius;
        double angle = 2 * Math.PI * random.NextDouble();
        return (radius * Math.Cos(angle) + noise * random.NextGaussian(),
                radius * Math.Sin(angle) + noise * random.NextGaussian());
    }

    private static Kind Lookup(string name)
        => Kinds.TryGetValue(name, out Kind? kind)
            ? kind
            : throw new UsageException($"{Setting.Data}: '{name}' is not a synthetic set: expected {string.Join(", ", Names)}");
}
