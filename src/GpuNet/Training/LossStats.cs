using GpuNet.Backends;
using GpuNet.Distributed;

namespace GpuNet.Training;

/// <summary>
/// The device-side accumulators the loss ops add into: per row slot r, stats[2r] (loss) and
/// stats[2r + 1] (correct). Summed on the host only when a figure is reported, so a training
/// step never waits for the device.
/// </summary>
public sealed class LossStats : IDisposable
{
    private readonly IBackend _backend;
    private readonly float[] _host;

    public LossStats(IBackend backend, int maxRows)
    {
        _backend = backend;
        Buffer = backend.Allocate<float>(2 * maxRows);
        _host = new float[2 * maxRows];
    }

    public DeviceBuffer<float> Buffer { get; }

    public void Reset() => _backend.Fill(Buffer, Buffer.Length, 0f);

    /// <summary>Waits for the device and returns the mean loss and accuracy over <paramref name="rows"/> rows seen since the last reset.</summary>
    public Score Read(long rows) => Sum(Buffer, rows);

    /// <summary>
    /// <see cref="Read(long)"/> over the ranks of <paramref name="collective"/>: each rank's slots hold only the rows it
    /// trained or evaluated, and the loss and correct sums of every rank are added before the mean over all
    /// <paramref name="rows"/>.
    /// </summary>
    public Score Read(long rows, ICollective collective)
    {
        if (collective.Size == 1) return Read(rows);
        Span<double> sums = stackalloc double[2];
        (sums[0], sums[1]) = Totals(Buffer);
        collective.AllReduce(sums, ReduceOp.Sum);
        return Mean(sums[0], sums[1], rows);
    }

    /// <summary>Waits for the device and returns the mean loss and accuracy of the rows whose slots <paramref name="slice"/> of <see cref="Buffer"/> holds.</summary>
    public Score ReadSlice(DeviceBuffer<float> slice) => Sum(slice, slice.Length / 2);

    /// <summary>Waits for the device and returns the first of the first <paramref name="rows"/> slots whose loss is NaN or infinite, or null.</summary>
    public int? FirstNonFiniteSlot(int rows)
    {
        var host = _host.AsSpan(0, 2 * rows);
        _backend.Download(Buffer.Slice(0, 2 * rows), host);
        for (int r = 0; r < rows; r++)
            if (!float.IsFinite(host[2 * r])) return r;
        return null;
    }

    private Score Sum(DeviceBuffer<float> slots, long rows)
    {
        var (loss, correct) = Totals(slots);
        return Mean(loss, correct, rows);
    }

    /// <summary>The loss and correct sums of the slots, added in slot order.</summary>
    private (double Loss, double Correct) Totals(DeviceBuffer<float> slots)
    {
        var host = _host.AsSpan(0, slots.Length);
        _backend.Download(slots, host);
        double loss = 0, correct = 0;
        for (int i = 0; i < host.Length; i += 2)
        {
            loss += host[i];
            correct += host[i + 1];
        }
        return (loss, correct);
    }

    /// <summary>The mean loss and accuracy of <paramref name="rows"/> rows from their sums (NaN for none).</summary>
    public static Score Mean(double loss, double correct, long rows) =>
        rows == 0 ? new Score(double.NaN, double.NaN) : new Score(loss / rows, correct / rows);

    public void Dispose() => Buffer.Dispose();
}
