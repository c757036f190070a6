namespace GpuNet.Training;

/// <summary>One epoch of a metrics.csv read back (<see cref="MetricsCsv.Read"/>): each column's value by its header name, null where the cell is empty or NaN.</summary>
public sealed class MetricsRow(int epoch, IReadOnlyDictionary<string, double?> values)
{
    public int Epoch { get; } = epoch;

    public double? this[string column] => values.TryGetValue(column, out var value) ? value : null;
}
