using GpuNet.Backends;

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
    public Score Read(long rows)
    {
        _backend.Download(Buffer, _host.AsSpan());
        double loss = 0, correct = 0;
        for (int i = 0; i < _host.Length; i += 2)
        {
            loss += _host[i];
            correct += _host[i + 1];
        }
        return rows == 0 ? new Score(double.NaN, double.NaN) : new Score(loss / rows, correct / rows);
    }

    public void Dispose() => Buffer.Dispose();
}
