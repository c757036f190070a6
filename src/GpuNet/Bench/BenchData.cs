using GpuNet.Data;
using GpuNet.Settings;

namespace GpuNet.Bench;

/// <summary>Random data of a model's shape, for timing only: uniform [0, 1) features (pixel-like) and uniform labels.</summary>
public static class BenchData
{
    public static DataSplit Random(int rows, int features, int classes, int seed)
    {
        if (rows < 1) throw new UsageException($"{Setting.Samples} must be at least 1 (got {rows})");
        var random = new SeededRandom(seed);
        var x = new float[checked(rows * features)];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)random.NextDouble();
        var y = new int[rows];
        for (int i = 0; i < rows; i++)
            y[i] = random.NextInt(classes);
        var empty = new Dataset("random (test)", [], Array.Empty<int>(), features, classes);
        return new DataSplit(new Dataset($"random {features} features, {classes} classes", x, y, features, classes), empty);
    }
}
