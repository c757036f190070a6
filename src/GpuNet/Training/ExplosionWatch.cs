using GpuNet.Nn;

namespace GpuNet.Training;

/// <summary>A run whose loss or weights grew out of all proportion while staying finite (see <see cref="ExplosionWatch"/>).</summary>
/// <param name="Epoch">The first epoch it showed.</param>
/// <param name="TrainLoss">That epoch's training loss.</param>
/// <param name="LargestWeight">The largest weight magnitude after it.</param>
public sealed record Explosion(int Epoch, double TrainLoss, float LargestWeight);

/// <summary>
/// Notices a finite explosion, which NaN checks miss: an epoch's training loss above 100 × ln(classes) (a
/// hundred times the loss of guessing uniformly) and above 100 × the first epoch's, or any weight above
/// <see cref="WeightLimit"/>. Reports it once per run; NaN and infinity stay <see cref="DivergedException"/>'s.
/// </summary>
public sealed class ExplosionWatch(int classes)
{
    /// <summary>No weight of a model that trains sanely on standardised or [0, 1] inputs comes near this.</summary>
    public const float WeightLimit = 1e15f;

    private const double Factor = 100;
    private double _firstLoss = double.NaN;
    private bool _reported;

    /// <summary>Call after every epoch; returns the explosion the first time one shows (waits for the device to read the weights).</summary>
    public Explosion? Check(EpochMetrics epoch, Network network)
    {
        if (double.IsNaN(_firstLoss)) _firstLoss = epoch.Train.Loss;
        if (_reported) return null;
        double loss = epoch.Train.Loss;
        float largest = LargestWeight(network);
        if (!(loss > Factor * Math.Log(classes) && loss > Factor * _firstLoss) && !(largest > WeightLimit)) return null;
        _reported = true;
        return new Explosion(epoch.Epoch, loss, largest);
    }

    /// <summary>The largest magnitude of any weight or bias (NaN when one is NaN; waits for the device and copies them to the host).</summary>
    public static float LargestWeight(Network network)
    {
        float largest = 0;
        foreach (var tensor in network.ExportParameters())
            foreach (float w in tensor.Data)
            {
                if (float.IsNaN(w)) return float.NaN;
                largest = Math.Max(largest, Math.Abs(w));
            }
        return largest;
    }
}
