namespace GpuNet.Bench;

/// <summary>The spread of one measurement: the median and the 10th/90th percentiles, in milliseconds.</summary>
public readonly record struct StepTimes(double MedianMs, double P10Ms, double P90Ms, int Runs)
{
    public static StepTimes From(IReadOnlyList<double> milliseconds)
    {
        if (milliseconds.Count == 0) throw new ArgumentException("no timed runs", nameof(milliseconds));
        var sorted = milliseconds.Order().ToArray();
        return new StepTimes(Percentile(sorted, 0.5), Percentile(sorted, 0.1), Percentile(sorted, 0.9), sorted.Length);
    }

    /// <summary>Linear interpolation between the closest ranks (numpy's default), so the median of an even count is the mean of the middle two.</summary>
    private static double Percentile(double[] sorted, double q)
    {
        double rank = q * (sorted.Length - 1);
        int low = (int)Math.Floor(rank);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }
}
